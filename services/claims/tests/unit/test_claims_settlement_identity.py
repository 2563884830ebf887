"""What makes two uploads the same settlement (contract.md: the same record again returns the first result,
the same id with different content is 409)."""

from __future__ import annotations

import json
from itertools import count
from typing import Any

from claims.domain.settlement import canonical, differing_fields, fingerprint
from shared.contracts.settlement import SettlementRecord

_ids = count(1)


def a_fee_line(**overrides: Any) -> dict[str, Any]:
    return {"feedetl_sn": f"F{next(_ids)}", "med_list_codg": "110200001", "med_chrgitm_type": "05",
            "cnt": "1", "pric": "20.00", "det_item_fee_sumamt": "20.00", **overrides}


def a_settlement(**overrides: Any) -> dict[str, Any]:
    n = next(_ids)
    return {
        "setl_id": f"S{n}", "mdtrt_id": f"M{n}", "psn_no": f"P{n}",
        "gend": "1", "age": 52, "insutype": "390", "med_type": "11",
        "setl_time": "2025-06-03T10:15:00",
        "medfee_sumamt": "70.00", "fund_pay_sumamt": "35.00", "acct_pay": "0.00", "psn_cash_pay": "35.00",
        "details": [
            a_fee_line(feedetl_sn="1"),
            a_fee_line(feedetl_sn="2", med_list_codg="250101015", med_chrgitm_type="03", cnt="2.00",
                       pric="25.00", det_item_fee_sumamt="50.00"),
        ],
        **overrides,
    }


def content(upload: dict[str, Any]) -> str:
    return canonical(SettlementRecord.model_validate(upload))


def parsed(upload: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(content(upload)))


def with_line(upload: dict[str, Any], i: int, **changes: Any) -> dict[str, Any]:
    details = [dict(d) for d in upload["details"]]
    details[i].update(changes)
    return {**upload, "details": details}


def test_quantities_spelled_2_or_2_00_are_the_same_upload():  # contract.md idempotency
    first = a_settlement()
    again = with_line(first, 1, cnt="2", pric="25")
    assert fingerprint(content(first)) == fingerprint(content(again))


def test_a_naive_time_is_read_as_beijing_time_and_fingerprints_like_plus_0800():  # contract.md
    first = a_settlement(setl_time="2025-06-03T10:15:00")
    assert fingerprint(content(first)) == fingerprint(content({**first, "setl_time": "2025-06-03T10:15:00+08:00"}))
    assert fingerprint(content(first)) == fingerprint(content({**first, "setl_time": "2025-06-03T02:15:00Z"}))


def test_the_canonical_form_holds_times_in_beijing_and_amounts_as_strings():  # contract.md conventions
    stored = json.loads(content(a_settlement(setl_time="2025-06-03T02:15:00Z")))
    assert stored["setl_time"] == "2025-06-03T10:15:00+08:00"
    assert stored["fund_pay_sumamt"] == "35.00"
    assert stored["details"][1]["cnt"] == "2"


def test_unknown_fields_do_not_change_the_fingerprint():  # contract.md: known fields only are stored
    first = a_settlement()
    assert fingerprint(content(first)) == fingerprint(content({**first, "hisp_memo": "note from the HIS"}))


def test_a_different_amount_or_time_is_a_different_upload():  # contract.md: same id, other content is 409
    first = a_settlement()
    base = fingerprint(content(first))
    assert fingerprint(content({**first, "psn_cash_pay": "35.01"})) != base
    assert fingerprint(content({**first, "setl_time": "2025-06-03T10:15:01"})) != base
    assert fingerprint(content(with_line(first, 0, cnt="1.5"))) != base


def test_the_same_upload_has_no_differing_field():  # contract.md
    first = a_settlement()
    assert differing_fields(parsed(first), parsed(with_line(first, 1, cnt="2"))) == []


def test_differing_top_level_fields_and_fee_lines_are_named():  # contract.md: 409 says what differs
    first = a_settlement()
    again = with_line({**first, "psn_cash_pay": "36.00", "med_type": "14"}, 1, pric="25.50",
                      det_item_fee_sumamt="51.00")
    assert differing_fields(parsed(first), parsed(again)) == [
        "details.1.det_item_fee_sumamt", "details.1.pric", "med_type", "psn_cash_pay",
    ]


def test_a_different_number_of_fee_lines_is_named_details():  # contract.md
    first = a_settlement()
    again = {**first, "details": first["details"][:1]}
    assert differing_fields(parsed(first), parsed(again)) == ["details"]


def test_a_field_present_on_one_side_only_differs():  # contract.md
    assert differing_fields({"a": "1"}, {"a": "1", "b": "2"}) == ["b"]
