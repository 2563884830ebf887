"""ISO 20022 messages between the fund and its bank: pain.001 (the voucher as a credit transfer), pain.002
(the bank's status report) and camt.054 (its credit notification). Amounts in CNY, exact to the fen.

Both the bank gateway (which writes pain.001 and reads the others) and the bank simulator (the reverse)
use this module; neither builds XML by hand elsewhere.

Every document is checked against the official ISO 20022 schema (``schema_errors``). The XSDs are not copied
into this repository: they come from packages that ship them as published by ISO 20022 (Standards Editor
output) — ``pain001`` (pain.001.001.09, pain.002.001.12) and ``camt053`` (camt.054.001.08). pain.002 is
version 12 because that is the version shipped next to pain.001.001.09; a status report's version is
independent of the initiation's, and it names the original message (``OrgnlMsgNmId``).
"""

from __future__ import annotations

import functools
import importlib.util
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from shared.money import money_text, parse_money

PAIN_001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
PAIN_002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.12"
CAMT_054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"

#: Where each message's official schema is shipped: (package, file inside it).
SCHEMA_FILES = {
    PAIN_001: ("pain001", "templates/pain.001.001.09/pain.001.001.09.xsd"),
    PAIN_002: ("pain001", "pain002/schemas/pain.002.001.12.xsd"),
    CAMT_054: ("camt053", "xsd/camt.054.001.08.xsd"),
}
#: Max34Text: the longest account number an ISO 20022 ``Othr/Id`` carries.
MAX_ACCOUNT_ID = 34


@dataclass(frozen=True)
class Party:
    name: str
    acct_no: str
    bank_code: str


@dataclass(frozen=True)
class CreditTransfer:
    """One voucher as a credit transfer: ``voucher_no`` travels as the end-to-end id."""

    msg_id: str
    created_at: datetime
    voucher_no: str
    amount: Decimal
    debtor: Party
    creditor: Party
    requested_date: date
    purpose: str


def _el(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, tag, attrs)
    if text is not None:
        child.text = text
    return child


def _agent(parent: ET.Element, bank_code: str) -> None:
    member = _el(_el(parent, "FinInstnId"), "ClrSysMmbId")
    _el(_el(member, "ClrSysId"), "Cd", "CNAPS")  # China's national advanced payment system
    _el(member, "MmbId", bank_code)


def _account(parent: ET.Element, acct_no: str) -> None:
    if not 0 < len(acct_no) <= MAX_ACCOUNT_ID:
        raise ValueError(f"account number {acct_no!r} does not fit ISO 20022 (1 to {MAX_ACCOUNT_ID} characters)")
    _el(_el(_el(parent, "Id"), "Othr"), "Id", acct_no)


def _document(namespace: str) -> ET.Element:
    return ET.Element("Document", {"xmlns": namespace})


def _serialize(root: ET.Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def credit_transfer_initiation(t: CreditTransfer) -> str:
    """pain.001.001.09 CustomerCreditTransferInitiation with one payment information and one transaction."""
    root = _document(PAIN_001)
    initiation = _el(root, "CstmrCdtTrfInitn")
    header = _el(initiation, "GrpHdr")
    _el(header, "MsgId", t.msg_id)
    _el(header, "CreDtTm", t.created_at.isoformat(timespec="seconds"))
    _el(header, "NbOfTxs", "1")
    _el(header, "CtrlSum", money_text(t.amount))
    _el(_el(header, "InitgPty"), "Nm", t.debtor.name[:140])
    info = _el(initiation, "PmtInf")
    _el(info, "PmtInfId", t.voucher_no)
    _el(info, "PmtMtd", "TRF")
    _el(info, "NbOfTxs", "1")
    _el(info, "CtrlSum", money_text(t.amount))
    _el(_el(info, "ReqdExctnDt"), "Dt", t.requested_date.isoformat())
    _el(_el(info, "Dbtr"), "Nm", t.debtor.name[:140])
    _account(_el(info, "DbtrAcct"), t.debtor.acct_no)
    _agent(_el(info, "DbtrAgt"), t.debtor.bank_code)
    transaction = _el(info, "CdtTrfTxInf")
    _el(_el(transaction, "PmtId"), "EndToEndId", t.voucher_no)
    _el(_el(transaction, "Amt"), "InstdAmt", money_text(t.amount), Ccy="CNY")
    _agent(_el(transaction, "CdtrAgt"), t.creditor.bank_code)
    _el(_el(transaction, "Cdtr"), "Nm", t.creditor.name[:140])
    _account(_el(transaction, "CdtrAcct"), t.creditor.acct_no)
    _el(_el(transaction, "RmtInf"), "Ustrd", t.purpose[:140])
    return _serialize(root)


def _q(path: str, namespace: str) -> str:
    return "/".join(f"{{{namespace}}}{part}" for part in path.split("/"))


def _get(root: ET.Element, path: str, namespace: str) -> str:
    node = root.find(_q(path, namespace))
    if node is None or node.text is None:
        raise ValueError(f"{path} missing from the document")
    return node.text


def read_credit_transfer(xml: str) -> CreditTransfer:
    """What a bank reads from a pain.001: raises ValueError when the document is not one."""
    root = ET.fromstring(xml)
    ns = PAIN_001
    base = "CstmrCdtTrfInitn/PmtInf"
    amount_node = root.find(_q(f"{base}/CdtTrfTxInf/Amt/InstdAmt", ns))
    if amount_node is None or amount_node.get("Ccy") != "CNY" or amount_node.text is None:
        raise ValueError("InstdAmt in CNY missing")
    return CreditTransfer(
        msg_id=_get(root, "CstmrCdtTrfInitn/GrpHdr/MsgId", ns),
        created_at=datetime.fromisoformat(_get(root, "CstmrCdtTrfInitn/GrpHdr/CreDtTm", ns)),
        voucher_no=_get(root, f"{base}/CdtTrfTxInf/PmtId/EndToEndId", ns),
        amount=parse_money(amount_node.text),
        debtor=Party(_get(root, f"{base}/Dbtr/Nm", ns), _get(root, f"{base}/DbtrAcct/Id/Othr/Id", ns),
                     _get(root, f"{base}/DbtrAgt/FinInstnId/ClrSysMmbId/MmbId", ns)),
        creditor=Party(_get(root, f"{base}/CdtTrfTxInf/Cdtr/Nm", ns),
                       _get(root, f"{base}/CdtTrfTxInf/CdtrAcct/Id/Othr/Id", ns),
                       _get(root, f"{base}/CdtTrfTxInf/CdtrAgt/FinInstnId/ClrSysMmbId/MmbId", ns)),
        requested_date=date.fromisoformat(_get(root, f"{base}/ReqdExctnDt/Dt", ns)),
        purpose=_get(root, f"{base}/CdtTrfTxInf/RmtInf/Ustrd", ns),
    )


@dataclass(frozen=True)
class StatusReport:
    msg_id: str
    original_msg_id: str
    voucher_no: str
    #: ACSC settled (paid), RJCT rejected, ACCP accepted and not settled yet.
    status: str
    reason_code: str | None
    reason: str | None
    created_at: datetime


def payment_status_report(r: StatusReport) -> str:
    """pain.002.001.10 CustomerPaymentStatusReport for one transaction."""
    root = _document(PAIN_002)
    report = _el(root, "CstmrPmtStsRpt")
    header = _el(report, "GrpHdr")
    _el(header, "MsgId", r.msg_id)
    _el(header, "CreDtTm", r.created_at.isoformat(timespec="seconds"))
    original = _el(report, "OrgnlGrpInfAndSts")
    _el(original, "OrgnlMsgId", r.original_msg_id)
    _el(original, "OrgnlMsgNmId", "pain.001.001.09")
    payment = _el(report, "OrgnlPmtInfAndSts")
    _el(payment, "OrgnlPmtInfId", r.voucher_no)
    transaction = _el(payment, "TxInfAndSts")
    _el(transaction, "OrgnlEndToEndId", r.voucher_no)
    _el(transaction, "TxSts", r.status)
    if r.reason_code or r.reason:
        reason = _el(transaction, "StsRsnInf")
        if r.reason_code:
            _el(_el(reason, "Rsn"), "Cd", r.reason_code)
        if r.reason:
            _el(reason, "AddtlInf", r.reason[:105])
    return _serialize(root)


def read_payment_status_report(xml: str) -> StatusReport:
    root = ET.fromstring(xml)
    ns = PAIN_002
    tx = "CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts"
    code = root.find(_q(f"{tx}/StsRsnInf/Rsn/Cd", ns))
    info = root.find(_q(f"{tx}/StsRsnInf/AddtlInf", ns))
    return StatusReport(
        msg_id=_get(root, "CstmrPmtStsRpt/GrpHdr/MsgId", ns),
        original_msg_id=_get(root, "CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgId", ns),
        voucher_no=_get(root, f"{tx}/OrgnlEndToEndId", ns),
        status=_get(root, f"{tx}/TxSts", ns),
        reason_code=code.text if code is not None else None,
        reason=info.text if info is not None else None,
        created_at=datetime.fromisoformat(_get(root, "CstmrPmtStsRpt/GrpHdr/CreDtTm", ns)),
    )


@dataclass(frozen=True)
class CreditNotification:
    msg_id: str
    created_at: datetime
    voucher_no: str
    bank_ref: str
    amount: Decimal
    value_date: date
    creditor_acct: str


def credit_notification(n: CreditNotification) -> str:
    """camt.054.001.08 BankToCustomerDebitCreditNotification: the payment booked to the payee's account."""
    root = _document(CAMT_054)
    notification = _el(root, "BkToCstmrDbtCdtNtfctn")
    header = _el(notification, "GrpHdr")
    _el(header, "MsgId", n.msg_id)
    _el(header, "CreDtTm", n.created_at.isoformat(timespec="seconds"))
    ntfctn = _el(notification, "Ntfctn")
    _el(ntfctn, "Id", n.bank_ref)
    _el(ntfctn, "CreDtTm", n.created_at.isoformat(timespec="seconds"))
    _account(_el(ntfctn, "Acct"), n.creditor_acct)
    entry = _el(ntfctn, "Ntry")
    _el(entry, "Amt", money_text(n.amount), Ccy="CNY")
    _el(entry, "CdtDbtInd", "CRDT")
    _el(_el(entry, "Sts"), "Cd", "BOOK")
    _el(_el(entry, "ValDt"), "Dt", n.value_date.isoformat())
    _el(entry, "AcctSvcrRef", n.bank_ref)
    _el(_el(_el(entry, "BkTxCd"), "Prtry"), "Cd", "TRF")
    refs = _el(_el(_el(entry, "NtryDtls"), "TxDtls"), "Refs")
    _el(refs, "EndToEndId", n.voucher_no)
    return _serialize(root)


def read_credit_notification(xml: str) -> CreditNotification:
    root = ET.fromstring(xml)
    ns = CAMT_054
    base = "BkToCstmrDbtCdtNtfctn/Ntfctn"
    amount = root.find(_q(f"{base}/Ntry/Amt", ns))
    if amount is None or amount.get("Ccy") != "CNY" or amount.text is None:
        raise ValueError("Ntry/Amt in CNY missing")
    return CreditNotification(
        msg_id=_get(root, "BkToCstmrDbtCdtNtfctn/GrpHdr/MsgId", ns),
        created_at=datetime.fromisoformat(_get(root, "BkToCstmrDbtCdtNtfctn/GrpHdr/CreDtTm", ns)),
        voucher_no=_get(root, f"{base}/Ntry/NtryDtls/TxDtls/Refs/EndToEndId", ns),
        bank_ref=_get(root, f"{base}/Ntry/AcctSvcrRef", ns),
        amount=parse_money(amount.text),
        value_date=date.fromisoformat(_get(root, f"{base}/Ntry/ValDt/Dt", ns)),
        creditor_acct=_get(root, f"{base}/Acct/Id/Othr/Id", ns),
    )


# the official schemas ------------------------------------------------------------------------------------


@functools.cache
def _schema(namespace: str) -> Any:
    from lxml import etree  # imported here: only the bank gateway, the simulator and tests validate

    package, path = SCHEMA_FILES[namespace]
    spec = importlib.util.find_spec(package)  # finds the package's folder without running its code
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"the {package} package, which ships the {namespace} schema, is not installed")
    return etree.XMLSchema(etree.parse(str(Path(next(iter(spec.submodule_search_locations))) / path)))


def schema_errors(xml: str) -> list[str]:
    """Each way ``xml`` breaks the official ISO 20022 schema of the message it claims to be (pain.001,
    pain.002 or camt.054, told by its namespace); an empty list when it is valid. Entities are never
    resolved and nothing is fetched.

    The schema allows five decimals in an amount; CNY has two (ISO 4217), which the readers enforce."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=parser)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed XML: {exc}"]
    if root.getroottree().docinfo.doctype:
        return ["a DOCTYPE has no place in an ISO 20022 message"]
    namespace = etree.QName(root).namespace
    if namespace not in SCHEMA_FILES:
        return [f"not a message of the bank link: {{{namespace}}}{etree.QName(root).localname}"]
    schema = _schema(namespace)
    if schema.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]
