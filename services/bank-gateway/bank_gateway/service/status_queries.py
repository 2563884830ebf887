"""Timeouts (N art.15; JL art.18 回盘): a voucher with no receipt after the configured time is asked about at
the bank (银企直联 status query), again and again with a growing wait, until the bank gives a final answer.
It is never sent again as a new payment: a payment order goes to the bank once, by its voucher number.

The answer takes the same path as a pushed receipt (``apply_receipt``), so whichever comes first applies
and the other is a duplicate."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from tenacity import AsyncRetrying, RetryError, retry_if_exception_type, wait_exponential

from bank_gateway.adapters.bank_link import BankLink, BankUnavailable
from bank_gateway.service.receipts import apply_receipt
from bank_gateway.service.uow import BankGatewayUnitOfWork
from bank_gateway.settings import BankGatewaySettings

log = logging.getLogger(__name__)
UowFactory = Callable[[], BankGatewayUnitOfWork]


class NoFinalAnswer(Exception):
    """The bank has not finished with the voucher (or has never seen it): ask again later."""


def status_queries(settings: BankGatewaySettings, link: BankLink) -> Callable[[UowFactory, asyncio.Event], Awaitable[None]]:
    """The background job: look for overdue vouchers and follow each up until the bank answers."""

    async def ask_about_overdue_vouchers(uow_factory: UowFactory, stopping: asyncio.Event) -> None:
        following: dict[str, asyncio.Task[None]] = {}
        gate = asyncio.Semaphore(settings.status_query_concurrency)
        try:
            while not stopping.is_set():
                try:
                    cutoff = datetime.now(UTC) - timedelta(seconds=settings.receipt_timeout_s)
                    room = settings.status_query_following_max - len(following)
                    async with uow_factory() as uow:
                        overdue = await uow.vouchers.overdue(cutoff, limit=max(room, 0) + len(following))
                    for voucher_no in overdue:
                        if voucher_no not in following and len(following) < settings.status_query_following_max:
                            task = asyncio.create_task(follow_up(voucher_no, uow_factory, link, settings, stopping, gate))
                            following[voucher_no] = task
                            task.add_done_callback(lambda _, no=voucher_no: following.pop(no, None))
                except Exception as exc:  # the scan goes on through an outage
                    log.warning("status queries: %s: %s", type(exc).__name__, exc)
                await _pause(stopping, settings.status_query_scan_s)
        finally:
            for task in list(following.values()):
                task.cancel()
            await asyncio.gather(*following.values(), return_exceptions=True)
            await link.close()

    return ask_about_overdue_vouchers


async def follow_up(voucher_no: str, uow_factory: UowFactory, link: BankLink, settings: BankGatewaySettings,
                    stopping: asyncio.Event, gate: asyncio.Semaphore) -> None:
    """Ask the bank about one voucher until it has a final answer (or the voucher got its receipt), waiting
    ``status_query_backoff_s``, then twice that, ... up to ``status_query_backoff_max_s`` between questions."""
    retrying = AsyncRetrying(
        wait=wait_exponential(multiplier=settings.status_query_backoff_s, min=settings.status_query_backoff_s,
                              max=settings.status_query_backoff_max_s),
        retry=retry_if_exception_type((NoFinalAnswer, BankUnavailable)),
        stop=lambda _: stopping.is_set(),
        sleep=lambda seconds: _pause(stopping, seconds),
    )
    try:
        async for attempt in retrying:
            with attempt:
                async with gate:
                    await ask_once(voucher_no, uow_factory, link)
    except RetryError:
        pass  # stopping: the next start picks the voucher up again
    except Exception as exc:  # a fault of ours: logged, and the next scan follows the voucher up again
        log.error("status query for %s: %s: %s", voucher_no, type(exc).__name__, exc)


async def ask_once(voucher_no: str, uow_factory: UowFactory, link: BankLink) -> None:
    """One status query. Raises NoFinalAnswer or BankUnavailable when there is reason to ask again."""
    try:
        answer = await link.status(voucher_no)
    except BankUnavailable as exc:
        await _note(voucher_no, uow_factory, "bank unreachable")
        raise exc
    async with uow_factory() as uow:
        voucher = await uow.vouchers.get(voucher_no, for_update=True)
        if voucher is None or voucher.status != "issued":
            return  # a receipt came meanwhile: nothing more to ask
        if answer.receipt is not None:
            await apply_receipt(answer.receipt, uow, source="status-query")
        await uow.vouchers.note_query(voucher_no, answer.status or "not at the bank", datetime.now(UTC))
        await uow.commit()
    if answer.receipt is None:
        raise NoFinalAnswer(f"{voucher_no}: {answer.status or 'not at the bank'}")


async def _note(voucher_no: str, uow_factory: UowFactory, answer: str) -> None:
    try:
        async with uow_factory() as uow:
            await uow.vouchers.note_query(voucher_no, answer, datetime.now(UTC))
            await uow.commit()
    except Exception as exc:  # noting is for operators; the question is asked again anyway
        log.warning("noting the status query of %s: %s", voucher_no, exc)


async def _pause(stopping: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stopping.wait(), timeout=seconds)
    except TimeoutError:
        pass
