"""The year-end books as pure functions (N art.16-17, N art.19, SX §5): special cases written off to 待遇支出,
the annual clearing releasing the quality deposit and clearing the year's advances."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest

from accounting.domain.chart import ADVANCE, ASSESSMENT, DEPOSIT, SPECIAL_CASES
from accounting.domain.consistency import PaymentFacts, year_end_open
from accounting.domain.entries import Leg, Unbalanced
from accounting.domain.year_end import ClearingItems, annual_cleared, special_cases_settled

D = Decimal
CODE = "H14010000001"


def test_a_decided_special_case_is_written_off_its_month_to_its_own_benefit_account() -> None:  # N art.16, SX §5
    entry = special_cases_settled(fund="310", fixmedins_code=CODE, period="2025-03", cost=D("8000.00"),
                                  booked_in="2025-04", entry_date=date(2025, 4, 8), reference="p1")
    assert entry is not None and entry.period == "2025-04"
    assert entry.legs == (Leg(SPECIAL_CASES, "D", D("8000.00")), Leg(ADVANCE, "C", D("8000.00"), CODE, "2025-03"))
    # a payment that only prepays cases cleared at year end writes nothing off: it stays an advance
    assert special_cases_settled(fund="310", fixmedins_code=CODE, period="2025-10", cost=D("0.00"),
                                 booked_in="2025-11", entry_date=date(2025, 11, 5), reference="p2") is None


def clearing(**overrides: object) -> ClearingItems:
    base: dict[str, object] = dict(
        year=2025, period="2025-12", deposits_released={"2025-01": D("3000.00"), "2025-12": D("1200.00")},
        special_cases_cost=D("12000.00"),
        special_cases_prepaid={"2025-10": D("4000.00"), "2025-11": D("2400.00"), "2025-12": D("2400.00")},
        assessment=D("-500.00"), carried_from={"2025-12": D("-1200.00")})
    return ClearingItems(**(base | overrides))  # type: ignore[arg-type]


def test_the_annual_clearing_releases_the_deposit_and_clears_each_month_it_touches() -> None:
    """N art.17 with SX §3 "年终清算": deposits of 4,200.00 released from the months that reserved them; the
    year-end case's 12,000.00 is expenditure, its 8,800.00 prepaid shares leave October to December's advances;
    the assessment takes 500.00 back; December's 1,200.00 negative net is netted. The clearing is worth
    4,200.00 + 12,000.00 − 8,800.00 − 500.00 − 1,200.00 = 5,700.00: its payment's amount 6,900.00, carried in
    −1,200.00."""
    items = clearing()
    assert items.net == D("5700.00")
    entry = annual_cleared(items, fund="310", fixmedins_code=CODE, amount=D("6900.00"), carried_in=D("-1200.00"),
                           booked_in="2026-01", entry_date=date(2026, 1, 20), reference="p3")
    assert entry is not None
    legs = {(leg.account, leg.aux_period): (leg.side, leg.amount) for leg in entry.legs}
    assert legs == {
        (DEPOSIT, "2025-01"): ("D", D("3000.00")), (DEPOSIT, "2025-12"): ("D", D("1200.00")),
        (SPECIAL_CASES, None): ("D", D("12000.00")), (ASSESSMENT, None): ("C", D("500.00")),
        (ADVANCE, "2025-10"): ("C", D("4000.00")), (ADVANCE, "2025-11"): ("C", D("2400.00")),
        # December, one leg: its prepaid 2,400.00, its negative 1,200.00 netted, and the clearing's 5,700.00
        # that the clearing's cash meets there
        (ADVANCE, "2025-12"): ("C", D("9300.00")),
    }
    assert len(entry.legs) == len(legs)  # one leg per account × month


def test_a_clearing_whose_items_do_not_make_its_payment_is_refused() -> None:  # N art.19: business = books
    with pytest.raises(Unbalanced, match="amount"):
        annual_cleared(clearing(), fund="310", fixmedins_code=CODE, amount=D("6900.01"), carried_in=D("-1200.00"),
                       booked_in="2026-01", entry_date=date(2026, 1, 20), reference="p3")
    with pytest.raises(Unbalanced, match="carried"):
        annual_cleared(clearing(), fund="310", fixmedins_code=CODE, amount=D("6900.00"), carried_in=D("0.00"),
                       booked_in="2026-01", entry_date=date(2026, 1, 20), reference="p3")


def test_what_a_year_end_payment_leaves_open_by_design() -> None:
    """N art.16: a special-cases payment of 6,400.00 of which 4,000.00 was decided leaves its 2,400.00 prepaid share
    open until the clearing, then nothing; a clearing's net written off at its order is met by its cash."""
    paid = dict(bank_status="confirmed", bank_amount=D("6400.00"), amount=D("6400.00"), payment=D("6400.00"))
    special = PaymentFacts(payment_id=uuid.uuid4(), run_type="special-cases", written_off=D("4000.00"),
                           **paid)  # type: ignore[arg-type]
    assert year_end_open(special) == D("2400.00")
    assert year_end_open(PaymentFacts(**{**special.__dict__, "cleared": True})) == D("0.00")
    unpaid = PaymentFacts(**{**special.__dict__, "bank_status": None, "bank_amount": None})
    assert year_end_open(unpaid) == D("-4000.00")  # the write-off waits for its cash
    monthly = PaymentFacts(**{**special.__dict__, "run_type": "monthly-prepayment"})
    assert year_end_open(monthly) == D("0.00")  # the monthly settlement writes that off
