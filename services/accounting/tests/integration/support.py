"""Events as disbursement and the bank gateway publish them, for accounting's tests."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from shared.contracts import events as e

D = Decimal
NOW = datetime(2025, 10, 20, 3, 0, tzinfo=UTC)
PAYEE = e.BankAccount(bank_code="102100099996", acct_no="6222000011112222", acct_name="测试医院")


def a_code() -> str:
    return f"H{uuid.uuid4().hex[:10].upper()}"


def ordered(code: str, amount: str, *, period: str = "2025-09", run_type: str = "daily-disbursement",
            admdvs: str = "220100", insutype: str = "310", carried_in: str = "0.00",
            payment_id: uuid.UUID | None = None) -> e.PaymentOrdered:
    return e.PaymentOrdered(payment_id=payment_id or uuid.uuid4(), run_id=uuid.uuid4(), run_type=run_type,
                            admdvs=admdvs, fixmedins_code=code, insutype=insutype, period=period, amount=D(amount),
                            carried_in=D(carried_in), payment=D(amount) + D(carried_in), payee=PAYEE,
                            purpose="日拨付", ordered_at=NOW)


def confirmed(order: e.PaymentOrdered, *, amount: str | None = None, value_date: date = date(2025, 9, 3)
              ) -> e.PaymentConfirmed:
    return e.PaymentConfirmed(voucher_no=f"V{uuid.uuid4().hex[:12].upper()}", payment_id=order.payment_id,
                              admdvs=order.admdvs, fixmedins_code=order.fixmedins_code, insutype=order.insutype,
                              period=order.period, amount=D(amount) if amount else order.payment, bank_ref="B1",
                              receipt_at=NOW, value_date=value_date)


def rejected(order: e.PaymentOrdered) -> e.PaymentRejected:
    return e.PaymentRejected(voucher_no=f"V{uuid.uuid4().hex[:12].upper()}", payment_id=order.payment_id,
                             admdvs=order.admdvs, fixmedins_code=order.fixmedins_code, insutype=order.insutype,
                             period=order.period, amount=order.payment, bank_ref="B2", receipt_at=NOW,
                             reason_code="AC04", reason="账户已销户")


def lines_of(order: e.PaymentOrdered, *amounts: str, batch: date = date(2025, 9, 2)
             ) -> tuple[list[e.LineComputed], e.LinesOrdered]:
    lines = [e.LineComputed(line_id=uuid.uuid4(), fixmedins_code=order.fixmedins_code, admdvs=order.admdvs,
                            setl_id=f"S{uuid.uuid4().hex[:8]}", insutype=order.insutype, med_type="11",
                            business_date=batch, fund_pay_sumamt=D(a) * 2, base=D(a) * 2, ratio=D("0.5"),
                            amount=D(a), policy_version=1, batch_date=batch, computed_at=NOW) for a in amounts]
    told = e.LinesOrdered(payment_id=order.payment_id, run_id=order.run_id, fixmedins_code=order.fixmedins_code,
                          insutype=order.insutype, period=order.period, batch_dates=[batch], ordered_at=NOW)
    return lines, told


def settled(code: str, *, payable: str, already_paid: str, deductions: str = "0.00", deposit: str = "0.00",
            carried_in: str = "0.00", period: str = "2025-09", insutype: str = "310", admdvs: str = "220100",
            by_category: dict[str, str] | None = None) -> tuple[e.MonthlySettled, e.PaymentOrdered | None]:
    net = D(payable) - D(deductions) - D(deposit) - D(already_paid) + D(carried_in)
    order = None
    if net > 0:
        order = ordered(code, str(net - D(carried_in)), period=period, run_type="monthly-settlement", admdvs=admdvs,
                        insutype=insutype, carried_in=carried_in)
    settlement = e.MonthlySettled(
        run_id=uuid.uuid4(), admdvs=admdvs, fixmedins_code=code, insutype=insutype, period=period,
        payable=D(payable), deductions=D(deductions), deposit_reserved=D(deposit), already_paid=D(already_paid),
        carried_in=D(carried_in), net=net, payment=max(net, D("0.00")), carried_forward=min(net, D("0.00")),
        by_category={k: D(v) for k, v in (by_category or {"outpatient": payable}).items()},
        payment_id=order.payment_id if order else None, settled_at=NOW)
    return settlement, order
