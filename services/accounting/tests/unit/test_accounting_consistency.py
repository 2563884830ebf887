"""Business-vs-finance consistency (业财一致性, N art.19, art.22) and accounting periods, as pure functions."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from accounting.domain.consistency import MonthFacts, PaymentFacts, SettlementFacts, difference_id, differences
from accounting.domain.periods import booking_period, may_close, next_period

D = Decimal


def paid(amount: str, *, run_type: str = "daily-disbursement", lines: str | None = None, booked: str | None = None,
         bank: str | None = "confirmed", bank_amount: str | None = None) -> PaymentFacts:
    return PaymentFacts(payment_id=uuid.uuid4(), run_type=run_type, amount=D(amount), payment=D(amount),
                        lines=D(lines if lines is not None else amount), bank_status=bank,
                        bank_amount=D(bank_amount or amount) if bank else None, voucher_no="V",
                        booked=D(booked if booked is not None else (amount if bank == "confirmed" else "0.00")))


def month(*payments: PaymentFacts, settlement: SettlementFacts | None = None, open_advance: str = "0.00") -> MonthFacts:
    return MonthFacts("220100", "H1", "310", "2025-09", payments, settlement, D(open_advance))


def kinds(m: MonthFacts) -> list[str]:
    return [d.kind for d in differences(m)]


def test_lines_orders_bank_and_books_that_agree_show_no_difference() -> None:  # N art.22
    assert differences(month(paid("100.00"), paid("50.00"), open_advance="150.00")) == []


def test_a_batch_whose_lines_differ_from_its_order_is_a_difference() -> None:  # JL art.11, N art.22
    [found] = differences(month(paid("100.00", lines="100.01")))
    assert (found.kind, found.business, found.bank, found.books) == ("lines-not-ordered", D("100.01"), D("100.00"),
                                                                     D("100.00"))
    assert found.records[0]["lines"] == "100.01" and found.records[0]["amount"] == "100.00"


def test_an_order_the_bank_has_not_answered_is_a_difference() -> None:  # N art.15
    pending = paid("80.00", bank=None)
    [found] = differences(month(paid("20.00"), pending))
    assert (found.kind, found.business, found.bank, found.books) == ("ordered-not-paid", D("100.00"), D("20.00"),
                                                                     D("20.00"))
    assert [r["payment_id"] for r in found.records] == [str(pending.payment_id)]
    assert found.records[0]["bank_status"] == "ordered"


def test_a_rejected_payment_is_no_difference_it_is_carried_into_a_later_one() -> None:  # N art.18
    assert differences(month(paid("80.00", bank="rejected"))) == []


def test_the_bank_paying_another_amount_than_ordered_is_a_difference() -> None:  # N art.15
    assert kinds(month(paid("80.00", bank_amount="8.00", booked="8.00"))) == ["ordered-not-paid"]


def test_a_payment_the_bank_made_but_the_books_miss_is_a_difference() -> None:  # N art.19
    [found] = differences(month(paid("80.00", booked="0.00")))
    assert (found.kind, found.bank, found.books) == ("paid-not-booked", D("80.00"), D("0.00"))


def test_a_payment_booked_twice_is_a_difference() -> None:  # N art.19
    assert kinds(month(paid("80.00", booked="160.00"))) == ["booked-not-paid"]


def test_a_receipt_before_its_order_is_a_difference_until_the_order_arrives() -> None:
    early = PaymentFacts(payment_id=uuid.uuid4(), bank_status="confirmed", bank_amount=D("5.00"), booked=D("5.00"))
    assert kinds(month(early)) == ["paid-not-ordered"]


def test_once_the_net_is_paid_the_month_must_be_written_off() -> None:  # SX §5, ZJ §5
    net = paid("40.00", run_type="monthly-settlement", lines=None)
    settled = SettlementFacts(net.payment_id, D("0.00"), carried_on=False)
    assert differences(month(paid("60.00"), net, settlement=settled, open_advance="0.00")) == []
    [found] = differences(month(paid("60.00"), net, settlement=settled, open_advance="12.00"))
    assert (found.kind, found.business, found.books) == ("settlement-not-written-off", D("0.00"), D("12.00"))


def test_a_month_that_owes_back_keeps_exactly_that_open_until_a_later_month_nets_it() -> None:  # SX §3
    owing = SettlementFacts(None, D("-30.00"), carried_on=False)
    assert differences(month(paid("60.00"), settlement=owing, open_advance="30.00")) == []
    carried = SettlementFacts(None, D("-30.00"), carried_on=True)
    assert differences(month(paid("60.00"), settlement=carried, open_advance="0.00")) == []
    assert kinds(month(paid("60.00"), settlement=carried, open_advance="30.00")) == ["settlement-not-written-off"]


def test_the_settlement_is_not_checked_before_its_net_is_paid() -> None:
    net = paid("40.00", run_type="monthly-settlement", lines=None, bank=None)
    settled = SettlementFacts(net.payment_id, D("0.00"), carried_on=False)
    assert kinds(month(paid("60.00"), net, settlement=settled, open_advance="-40.00")) == ["ordered-not-paid"]


def test_a_difference_keeps_its_id_whatever_its_figures() -> None:
    first = differences(month(paid("80.00", bank=None)))[0]
    again = differences(month(paid("81.00", bank=None)))[0]
    assert first.difference_id == again.difference_id == difference_id("220100", "2025-09", "H1", "310",
                                                                        "ordered-not-paid")


def test_an_entry_is_booked_in_its_month_or_the_first_open_one_after() -> None:  # N art.19
    assert booking_period(date(2025, 9, 30), set()) == "2025-09"
    assert booking_period(date(2025, 9, 30), {"2025-09", "2025-10"}) == "2025-11"
    assert booking_period(date(2025, 12, 31), {"2025-12"}) == "2026-01"
    assert next_period("2025-12") == "2026-01"


def test_a_month_closes_only_once_it_is_over() -> None:
    assert may_close("2025-09", date(2025, 10, 1))
    assert not may_close("2025-09", date(2025, 9, 30))
