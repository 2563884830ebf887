"""A year in the books of one institution on real PostgreSQL (N art.16-17, N art.19, SX §3, SX §5): prepaid at the
start of each month, settled at its end with a 3 % quality deposit held back, a special case decided in March
and one cleared at year end, and the annual clearing that releases the deposit. Afterwards every month's
暂付款—即时结算预拨 is 0.00, 待遇支出 is what the year cost, and 暂收款—保证金 holds only what is still held."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from accounting.service import reports
from accounting.service.consistency import consistency
from services.accounting.tests.integration.support import D, a_code, confirmed, ordered, settled
from shared.contracts import events as e

if TYPE_CHECKING:
    from conftest import Deliver, Uow

REGION = "140100"  # Taiyuan: Shanxi's plan, 60 % of last month's payable prepaid (SX §3)
#: month, prepaid at its start, payable, deductions confirmed (N art.13), the deposit reserved (3 % of
#: payable − deductions, SX §3 保证金预留).
YEAR = [
    ("2025-01", "54000.00", "100000.00", "0.00", "3000.00"),
    ("2025-02", "60000.00", "90000.00", "1000.00", "2670.00"),
    ("2025-03", "54000.00", "110000.00", "0.00", "3300.00"),
    ("2025-04", "66000.00", "100000.00", "0.00", "3000.00"),
    ("2025-05", "60000.00", "95000.00", "500.00", "2835.00"),
    ("2025-06", "57000.00", "105000.00", "0.00", "3150.00"),
    ("2025-07", "63000.00", "100000.00", "0.00", "3000.00"),
    ("2025-08", "60000.00", "98000.00", "0.00", "2940.00"),
    ("2025-09", "58800.00", "102000.00", "2000.00", "3000.00"),
    ("2025-10", "61200.00", "100000.00", "0.00", "3000.00"),
    ("2025-11", "60000.00", "100000.00", "0.00", "3000.00"),
    # December is worth 40,000.00 − 1,200.00 = 38,800.00 against 60,000.00 prepaid: −21,200.00 owed back (SX §3)
    ("2025-12", "60000.00", "40000.00", "0.00", "1200.00"),
]


def special(code: str, period: str, amount: str, settled_now: str) -> e.PaymentOrdered:
    """A special-cases payment (特例单议, N art.16): ``settled_now`` of it decided cases' cost."""
    return ordered(code, amount, period=period, run_type="special-cases", admdvs=REGION).model_copy(
        update={"special_cases_settled": D(settled_now)})


async def agreed(uow: Uow, period: str) -> bool:
    """业财一致 (N art.22): the region's month was checked and no difference stands."""
    check = await consistency(uow(), period=period, admdvs=REGION)
    return len(check["regions"]) == 1 and bool(check["agreed"])


async def pay(deliver: Deliver, order: e.PaymentOrdered, day: date) -> None:
    await deliver(order)
    await deliver(confirmed(order, value_date=day))


async def test_after_the_annual_clearing_every_month_is_written_off_and_the_deposit_released(
        deliver: Deliver, uow: Uow) -> None:
    """N art.17 "做好即时结算与年度清算的衔接", N art.19, SX §5 "冲销暂付款—即时结算预拨，按类别记医保待遇支出".

    The year: payable 1,140,000.00 less 3,500.00 deducted = 1,136,500.00; deposits reserved 34,095.00; March's
    case decided at 8,000.00 and paid at once; a year-end case claimed 20,000.00, prepaid 20 % a month (4,000.00
    in October while pending, 2,400.00 in November and December once approved at 12,000.00); the assessment takes
    500.00 back. The clearing: 34,095.00 + 12,000.00 − 8,800.00 − 500.00 − 21,200.00 (December's negative) =
    15,595.00 paid. The year cost 1,136,500.00 + 8,000.00 + 12,000.00 − 500.00 = 1,156,000.00."""
    code = a_code()
    for period, prepaid, payable, deductions, deposit in YEAR:
        year, month = int(period[:4]), int(period[5:])
        await pay(deliver, ordered(code, prepaid, period=period, run_type="monthly-prepayment", admdvs=REGION),
                  date(year, month, 3))
        settlement, net = settled(code, payable=payable, already_paid=prepaid, deductions=deductions,
                                  deposit=deposit, period=period, admdvs=REGION)
        await deliver(settlement, *([net] if net else []))
        if net is not None:
            await deliver(confirmed(net, value_date=date(year + month // 12, month % 12 + 1, 20)))
    await pay(deliver, special(code, "2025-03", "8000.00", "8000.00"), date(2025, 4, 8))
    for period, share in (("2025-10", "4000.00"), ("2025-11", "2400.00"), ("2025-12", "2400.00")):
        await pay(deliver, special(code, period, share, "0.00"), date(int(period[:4]), int(period[5:]), 28))

    before = {r["period"]: r["open"] for r in (await reports.advances(uow(), fund="310", fixmedins_code=code,
                                                                      period=None))["rows"]}
    # N art.16: what was prepaid on a year-end case is an advance until the clearing, and December owes 21,200.00
    assert {p: v for p, v in before.items() if v != "0.00"} == \
        {"2025-10": "4000.00", "2025-11": "2400.00", "2025-12": "23600.00"}
    assert await agreed(uow, "2025-10")  # open by design: no difference

    clearing = e.AnnualClearing(
        year=2025, deposits_released={period: D(deposit) for period, *_, deposit in YEAR},
        special_cases_cost=D("12000.00"),
        special_cases_prepaid={"2025-10": D("4000.00"), "2025-11": D("2400.00"), "2025-12": D("2400.00")},
        assessment=D("-500.00"), carried_from={"2025-12": D("-21200.00")})
    cleared = ordered(code, "36795.00", period="2025-12", run_type="annual-clearing", admdvs=REGION,
                      carried_in="-21200.00").model_copy(
        update={"clearing": clearing, "ordered_at": datetime(2026, 1, 20, 2, 0, tzinfo=UTC)})
    assert cleared.payment == D("15595.00")
    await deliver(cleared)
    await deliver(cleared)  # the same order again: cleared once
    await deliver(confirmed(cleared, value_date=date(2026, 1, 22)))

    # January 2026 goes on: its deposit is the one still held
    await pay(deliver, ordered(code, "24000.00", period="2026-01", run_type="monthly-prepayment", admdvs=REGION),
              date(2026, 1, 5))
    january, net = settled(code, payable="50000.00", already_paid="24000.00", deposit="1500.00", period="2026-01",
                           admdvs=REGION, by_category={"inpatient": "50000.00"})
    assert net is not None
    await deliver(january, net)
    await deliver(confirmed(net, value_date=date(2026, 2, 20)))

    advances = await reports.advances(uow(), fund="310", fixmedins_code=code, period=None)
    assert {r["period"]: r["open"] for r in advances["rows"]} == \
        {period: "0.00" for period, *_ in YEAR} | {"2026-01": "0.00"}
    assert advances["control"]["310"]["account_balance"] == "0.00"
    december = next(r for r in advances["rows"] if r["period"] == "2025-12")
    # advanced 60,000.00 + 2,400.00 + 15,595.00; written off 38,800.00 by the settlement, 2,400.00 + 36,795.00
    # by the clearing, whose move of the 21,200.00 owed back (carried) is written off with it
    assert (december["advanced"], december["written_off"]) == ("77995.00", "77995.00")

    books = await reports.trial_balance(uow(), period=None, fund="310")
    assert books["balanced"]
    balance = {row["account"]: row["balance"] for row in books["funds"]["310"]}
    assert balance["510101"] == "1136500.00"  # 待遇支出—普通门诊: the year's settlements
    assert balance["510107"] == "20000.00"  # 待遇支出—特例单议: March's 8,000.00 and the year-end case's 12,000.00
    assert balance["510108"] == "-500.00"  # 待遇支出—年度清算考核调整
    assert D(balance["510101"]) + D(balance["510107"]) + D(balance["510108"]) == Decimal("1156000.00")
    assert balance["510103"] == "50000.00"  # January 2026, the next year's
    assert balance["210101"] == "1500.00"  # 暂收款—保证金: only January 2026's, still held
    deposit = await reports.general_ledger(uow(), "210101", period=None, fund="310", fixmedins_code=code)
    assert (deposit["credit"], deposit["debit"]) == ("35595.00", "34095.00")  # reserved 34,095 + 1,500; released
    # 支出户存款 paid out every advance: 12 prepayments, 11 nets, 4 special payments, the clearing and January's
    assert balance["1004"] == "-1204500.00"  # = 1,206,000.00 spent − 1,500.00 held back
    for period in ("2025-10", "2025-12", "2026-01"):
        assert await agreed(uow, period), period


async def test_a_clearing_heard_before_the_months_it_clears_still_clears_them_once(deliver: Deliver, uow: Uow) -> None:
    """N art.17, N art.19, SX §3: the clearing's order can reach the books before December's settlement and its
    special-cases payment (other topics, no order between them). December: 39,800.00 prepaid, worth 40,000.00 −
    1,200.00 deposit = 38,800.00, so 1,000.00 owed back; a year-end case approved at 5,000.00 with 2,400.00
    prepaid in December. The clearing: 1,200.00 + 5,000.00 − 2,400.00 − 1,000.00 = 2,800.00 paid. January's
    settlement must not net December's 1,000.00 a second time."""
    code = a_code()
    clearing = e.AnnualClearing(year=2025, deposits_released={"2025-12": D("1200.00")},
                                special_cases_cost=D("5000.00"), special_cases_prepaid={"2025-12": D("2400.00")},
                                carried_from={"2025-12": D("-1000.00")})
    cleared = ordered(code, "3800.00", period="2025-12", run_type="annual-clearing", admdvs=REGION,
                      carried_in="-1000.00").model_copy(update={"clearing": clearing})
    assert cleared.payment == D("2800.00")
    await pay(deliver, cleared, date(2026, 1, 22))

    await pay(deliver, ordered(code, "39800.00", period="2025-12", run_type="monthly-prepayment", admdvs=REGION),
              date(2025, 12, 3))
    await pay(deliver, special(code, "2025-12", "2400.00", "0.00"), date(2025, 12, 29))
    december, net = settled(code, payable="40000.00", already_paid="39800.00", deposit="1200.00", period="2025-12",
                            admdvs=REGION)
    assert net is None and december.carried_forward == D("-1000.00")
    await deliver(december)
    await pay(deliver, ordered(code, "24000.00", period="2026-01", run_type="monthly-prepayment", admdvs=REGION),
              date(2026, 1, 5))
    january, net = settled(code, payable="50000.00", already_paid="24000.00", deposit="1500.00", period="2026-01",
                           admdvs=REGION)
    assert net is not None
    await deliver(january, net)
    await deliver(confirmed(net, value_date=date(2026, 2, 20)))

    advances = await reports.advances(uow(), fund="310", fixmedins_code=code, period=None)
    assert {r["period"]: r["open"] for r in advances["rows"]} == {"2025-12": "0.00", "2026-01": "0.00"}
    books = await reports.trial_balance(uow(), period=None, fund="310")
    balance = {row["account"]: row["balance"] for row in books["funds"]["310"]}
    assert books["balanced"] and (balance["210101"], balance["510107"]) == ("1500.00", "5000.00")
    assert balance["510101"] == "90000.00"  # December's 40,000.00 and January's 50,000.00
    for period in ("2025-12", "2026-01"):
        assert await agreed(uow, period), period
