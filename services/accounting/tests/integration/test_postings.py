"""Postings from events on real PostgreSQL (SX §5, ZJ §5, N art.18-19): a payment is an advance to its
institution's month whatever order its order and receipt arrive in; the settlement writes the month off; a
negative net is carried to the month that nets it; a rejected payment posts nothing; each fact once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

import asyncpg

from accounting.service import reports
from accounting.service.consistency import consistency
from services.accounting.tests.integration.support import D, a_code, confirmed, lines_of, ordered, rejected, settled

if TYPE_CHECKING:
    from conftest import Deliver, Uow


async def advance(uow: Uow, code: str, fund: str = "310") -> dict[str, dict[str, str]]:
    report = await reports.advances(uow(), fund=fund, fixmedins_code=code, period=None)
    return {r["period"]: r for r in report["rows"]}


async def test_a_receipt_before_its_order_is_booked_once_as_an_advance_of_its_month(deliver: Deliver, uow: Uow,
                                                                                     db: asyncpg.Connection) -> None:
    code = a_code()
    order = ordered(code, "300.00")
    receipt = confirmed(order, value_date=date(2025, 9, 3))
    await deliver(receipt)
    await deliver(receipt)  # the same receipt again, under another event id
    await deliver(order)
    months = await advance(uow, code)
    assert (months["2025-09"]["advanced"], months["2025-09"]["open"]) == ("300.00", "300.00")
    assert await db.fetchval("SELECT count(*) FROM journal_entries WHERE payment_id = $1", order.payment_id) == 1
    books = await reports.trial_balance(uow(), period="2025-09", fund="310")
    assert books["balanced"]


async def test_a_rejected_payment_posts_nothing(deliver: Deliver, uow: Uow, db: asyncpg.Connection) -> None:  # N art.18
    code = a_code()
    order = ordered(code, "300.00")
    await deliver(order, rejected(order))
    assert await db.fetchval("SELECT count(*) FROM journal_entries") == 0
    assert await advance(uow, code) == {}


async def test_the_settlement_writes_the_month_off_once_its_net_is_paid(deliver: Deliver, uow: Uow) -> None:  # SX §5
    code = a_code()
    daily = ordered(code, "600.00")
    lines, told = lines_of(daily, "250.00", "350.00")
    await deliver(daily, *lines, told, confirmed(daily))
    settlement, net = settled(code, payable="1000.00", already_paid="600.00", deductions="100.00", deposit="27.00",
                              by_category={"outpatient": "400.00", "inpatient": "600.00"})
    assert net is not None and net.payment == D("273.00")
    await deliver(settlement, net)
    month = (await advance(uow, code))["2025-09"]
    assert (month["advanced"], month["written_off"], month["open"]) == ("600.00", "873.00", "-273.00")
    await deliver(confirmed(net, value_date=date(2025, 10, 22)))
    month = (await advance(uow, code))["2025-09"]
    assert (month["advanced"], month["written_off"], month["open"]) == ("873.00", "873.00", "0.00")
    books = await reports.trial_balance(uow(), period=None, fund="310")
    rows = {r["account"]: r for r in books["funds"]["310"]}
    assert rows["510101"]["balance"] == "360.00" and rows["510103"]["balance"] == "540.00"  # 900 less 10 % each
    assert rows["210101"]["balance"] == "27.00"  # the deposit, owed to the institution
    assert rows["1004"]["balance"] == "-873.00"
    assert books["balanced"]
    check = await consistency(uow(), period="2025-09", admdvs="220100")
    mine = [d for r in check["regions"] for d in r["differences"] if d["fixmedins_code"] == code]
    assert mine == []


async def test_a_negative_net_stays_owed_back_until_a_later_settlement_nets_it(deliver: Deliver, uow: Uow) -> None:
    # SX §3: 500 advanced in August for a month worth 470: 30 owed back, netted in September's settlement
    code = a_code()
    august = ordered(code, "500.00", period="2025-08")
    await deliver(august, confirmed(august, value_date=date(2025, 8, 5)))
    owing, none = settled(code, payable="470.00", already_paid="500.00", period="2025-08")
    assert none is None and owing.carried_forward == D("-30.00")
    await deliver(owing)
    assert (await advance(uow, code))["2025-08"]["open"] == "30.00"
    september = ordered(code, "200.00")
    await deliver(september, confirmed(september))
    netting, net = settled(code, payable="400.00", already_paid="200.00", carried_in="-30.00")
    assert net is not None and net.payment == D("170.00")
    await deliver(netting, net, confirmed(net, value_date=date(2025, 10, 22)))
    months = await advance(uow, code)
    assert months["2025-08"]["open"] == "0.00" and months["2025-09"]["open"] == "0.00"
    assert months["2025-08"]["other"] == "-30.00" and months["2025-09"]["other"] == "30.00"
    report = await reports.advances(uow(), fund="310", fixmedins_code=None, period=None)
    assert report["control"]["310"]["agrees"]


async def test_a_settlement_delivered_twice_is_booked_once(deliver: Deliver, db: asyncpg.Connection) -> None:
    code = a_code()
    settlement, _ = settled(code, payable="10.00", already_paid="10.00")
    await deliver(settlement)
    await deliver(settlement.model_copy(update={"settled_at": settlement.settled_at}))
    assert await db.fetchval("SELECT count(*) FROM journal_entries WHERE source_type = 'disbursement.monthly-settled'"
                             ) == 1


async def test_a_receipt_for_a_closed_month_is_booked_in_the_first_open_one(deliver: Deliver, uow: Uow,
                                                                            db: asyncpg.Connection) -> None:  # N art.19
    await db.execute("INSERT INTO closed_periods VALUES ('2025-06', now(), 'test', 'closed'), "
                     "('2025-07', now(), 'test', 'closed')")
    code = a_code()
    order = ordered(code, "12.00", period="2025-06")
    await deliver(order, confirmed(order, value_date=date(2025, 6, 30)))
    row = await db.fetchrow("SELECT period, entry_date FROM journal_entries WHERE payment_id = $1", order.payment_id)
    assert (row["period"], row["entry_date"]) == ("2025-08", date(2025, 6, 30))
    assert (await advance(uow, code))["2025-06"]["advanced"] == "12.00"  # still the June advance


async def test_lines_that_differ_from_their_order_show_in_the_check_until_the_missing_line_arrives(
        deliver: Deliver, uow: Uow) -> None:  # JL art.11, N art.22
    code = a_code()
    order = ordered(code, "30.00")
    lines, told = lines_of(order, "10.00", "20.00")
    await deliver(order, lines[0], told, confirmed(order))
    check = await consistency(uow(), period="2025-09", admdvs="220100")
    mine = [d for r in check["regions"] for d in r["differences"] if d["fixmedins_code"] == code]
    assert [(d["kind"], d["business"], d["bank"]) for d in mine] == [("lines-not-ordered", "10.00", "30.00")]
    await deliver(lines[1])  # late, after its batch was ordered
    check = await consistency(uow(), period="2025-09", admdvs="220100")
    assert [d for r in check["regions"] for d in r["differences"] if d["fixmedins_code"] == code] == []


async def test_a_line_moved_to_a_later_batch_counts_once(deliver: Deliver, db: asyncpg.Connection) -> None:
    code = a_code()
    order = ordered(code, "30.00")
    lines, _ = lines_of(order, "30.00")
    await deliver(lines[0])
    await deliver(lines[0].model_copy(update={"batch_date": date(2025, 9, 3)}))
    rows = await db.fetch("SELECT batch_date, amount FROM line_facts WHERE fixmedins_code = $1", code)
    assert [(r["batch_date"], r["amount"]) for r in rows] == [(date(2025, 9, 3), Decimal("30.00"))]
