"""How the simulated bank misbehaves, reproducibly: the same seed and voucher always meet the same fate."""

from __future__ import annotations

import random
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shared.contracts.codes import Text

Rate = Annotated[float, Field(ge=0, le=1)]  # a probability, not money

#: ISO 20022 external status reason codes a Chinese bank's rejection maps to.
REJECT_REASONS = {
    "AC04": "账户已销户 (closed account number)",
    "AC06": "账户已冻结 (blocked account)",
    "BE01": "户名与账号不符 (inconsistent with end customer)",
    "AC01": "账号有误 (incorrect account number)",
}
#: What the bank says of an order that breaks the pain.001 schema, and of one the customer cancelled.
INVALID_FILE = ("FF01", "报文格式错误 (invalid file format)")
CANCELLED = ("CANC", "已按客户申请撤销 (cancelled at the customer's request)")


class Faults(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reject_accounts: dict[Annotated[Text, Field(max_length=40)], Annotated[Text, Field(max_length=200)]] = {}
    reject_rate: Rate = 0.0
    timeout_rate: Rate = 0.0
    duplicate_receipt_rate: Rate = 0.0
    late_receipt_ms: Annotated[list[Annotated[int, Field(ge=0, le=600_000)]], Field(min_length=2, max_length=2)] | None = None
    seed: int = 0

    @model_validator(mode="after")
    def _rates_fit(self) -> Faults:
        if self.reject_rate + self.timeout_rate > 1:
            raise ValueError("reject_rate + timeout_rate cannot exceed 1")
        if self.late_receipt_ms and self.late_receipt_ms[0] > self.late_receipt_ms[1]:
            raise ValueError("late_receipt_ms is [min, max]")
        return self


Fate = Literal["paid", "rejected", "timeout"]


def fate(faults: Faults, voucher_no: str, payee_acct: str) -> tuple[Fate, str | None, str | None]:
    """What the bank does with a voucher: (paid | rejected | timeout, reason code, reason)."""
    if payee_acct in faults.reject_accounts:
        return "rejected", "AC04", faults.reject_accounts[payee_acct]
    draw = random.Random(f"{faults.seed}:{voucher_no}")
    roll = draw.random()
    if roll < faults.reject_rate:
        code = draw.choice(sorted(REJECT_REASONS))
        return "rejected", code, REJECT_REASONS[code]
    if roll < faults.reject_rate + faults.timeout_rate:
        return "timeout", None, None
    return "paid", None, None


def receipt_copies(faults: Faults, voucher_no: str) -> int:
    """How many times the receipt is sent: a duplicate receipt is a drill the gateway must absorb."""
    return 2 if random.Random(f"{faults.seed}:dup:{voucher_no}").random() < faults.duplicate_receipt_rate else 1


def receipt_delay_ms(faults: Faults, voucher_no: str, copy: int = 0) -> int:
    """How late a copy of the receipt goes out: each copy has its own delay, so a duplicate may overtake."""
    if not faults.late_receipt_ms:
        return 0
    low, high = faults.late_receipt_ms
    return random.Random(f"{faults.seed}:late:{voucher_no}:{copy}").randint(low, high)
