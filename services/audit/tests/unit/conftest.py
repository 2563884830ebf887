"""Small factories for settlements as the rules read them: fresh ids, lines priced at the catalogue's ceiling
and typed as the catalogue types them unless a test says otherwise, parts that add up."""

from __future__ import annotations

from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from audit.domain.catalogue import shipped_catalogue
from audit.domain.history import History
from audit.domain.library import Facts, Subject
from audit.domain.outcome import Outcome, RuleSetting, as_settings, audit_record
from audit.domain.rules import LIBRARY, RULES
from shared.contracts.events import Finding
from shared.contracts.settlement import SettlementRecord
from shared.money import to_fen, total

_ids = count(1)


class Make:
    catalogue = shipped_catalogue()

    def line(self, code: str, pric: str | None = None, cnt: str = "1", at: str | None = None,
             chrgitm_type: str | None = None) -> dict[str, Any]:
        item = self.catalogue.get(code)
        price = Decimal(pric) if pric is not None else (item.price_ceiling if item and item.price_ceiling else
                                                        Decimal("10.00"))
        line = {"feedetl_sn": f"F{next(_ids)}", "med_list_codg": code,
                "med_chrgitm_type": chrgitm_type or (item.chrgitm_type if item else "14"),
                "cnt": cnt, "pric": str(price), "det_item_fee_sumamt": str(to_fen(Decimal(cnt) * price))}
        return {**line, "fee_ocur_time": at} if at else line

    def record(self, *lines: dict[str, Any], fund_pay_sumamt: str | None = None, **overrides: Any) -> SettlementRecord:
        """The fee lines sum to medfee_sumamt; the fund pays ``fund_pay_sumamt`` (all of it by default), the
        person the rest in cash. A woman of 41, employee fund, general outpatient, on 2025-06-03."""
        n = next(_ids)
        medfee = total(Decimal(line["det_item_fee_sumamt"]) for line in lines)
        fund = Decimal(fund_pay_sumamt) if fund_pay_sumamt is not None else medfee
        return SettlementRecord.model_validate({
            "setl_id": f"S{n}", "mdtrt_id": f"M{n}", "psn_no": f"P{n}", "gend": "2", "age": 41,
            "insutype": "310", "med_type": "11", "setl_time": "2025-06-03T10:15:00",
            "medfee_sumamt": str(medfee), "fund_pay_sumamt": str(fund), "acct_pay": "0.00",
            "psn_cash_pay": str(medfee - fund), "dise_codg": ["J06.9"], "details": list(lines), **overrides,
        })

    def stay(self, *lines: dict[str, Any], adm: str, dscg: str, **overrides: Any) -> SettlementRecord:
        """An inpatient settlement (med_type 21) from ``adm`` to ``dscg``, settled at the discharge."""
        return self.record(*lines, med_type="21", adm_date=adm, dscg_date=dscg, setl_time=f"{dscg}T11:00:00",
                           **{"dise_codg": ["J18.9"], **overrides})

    def subject(self, record: SettlementRecord, fixmedins_code: str = "H22010300001",
                admdvs: str = "220100") -> Subject:
        return Subject.of(fixmedins_code, admdvs, record, self.catalogue)

    def history(self, *earlier: SettlementRecord | Subject) -> History:
        history = History()
        for record in earlier:
            history.add(record if isinstance(record, Subject) else self.subject(record))
        return history

    def check(self, rule_id: str, record: SettlementRecord | Subject, history: History | None = None,
              **params: Any) -> Finding | None:
        """One rule alone on one settlement: its finding, or None."""
        rule = LIBRARY[rule_id]
        setting = RuleSetting(rule, params=rule.params.model_validate({**rule.defaults.model_dump(), **params}))
        outcome = self.audit(record, history, [setting])
        return outcome.findings[0] if outcome.findings else None

    def audit(self, record: SettlementRecord | Subject, history: History | None = None,
              rules: list[Any] | None = None) -> Outcome:
        subject = record if isinstance(record, Subject) else self.subject(record)
        return audit_record(subject, Facts(self.catalogue, history or History()),
                            as_settings(RULES if rules is None else rules))


@pytest.fixture
def make() -> Make:
    return Make()
