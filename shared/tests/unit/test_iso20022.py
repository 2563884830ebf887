"""ISO 20022 messages with the fund's bank (N art.15, JL art.18): pain.001 out, pain.002 and camt.054 back."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from shared.iso20022 import (
    CAMT_054,
    PAIN_001,
    PAIN_002,
    CreditNotification,
    CreditTransfer,
    Party,
    StatusReport,
    credit_notification,
    credit_transfer_initiation,
    payment_status_report,
    read_credit_notification,
    read_credit_transfer,
    read_payment_status_report,
    schema_errors,
)

BEIJING = timezone(timedelta(hours=8))
CREATED = datetime(2025, 10, 9, 9, 30, 15, tzinfo=BEIJING)


def a_transfer(**overrides: object) -> CreditTransfer:
    transfer = CreditTransfer(
        msg_id="220100-20251009-000017", created_at=CREATED, voucher_no="220100-20251009-000017",
        amount=Decimal("1234.50"),
        debtor=Party("长春市医疗保障事务中心职工医保基金支出户", "4200220100000310", "102241000017"),
        creditor=Party("吉林大学第一医院", "6222000000000001", "102241000099"),
        requested_date=date(2025, 10, 9), purpose="即时结算日拨付 2025-10-09",
    )
    return replace(transfer, **overrides)


def a_status(**overrides: object) -> StatusReport:
    report = StatusReport(msg_id="CB202510090000000001-S", original_msg_id="220100-20251009-000017",
                          voucher_no="220100-20251009-000017", status="RJCT", reason_code="AC04",
                          reason="账户已销户", created_at=CREATED)
    return replace(report, **overrides)


def a_notification(**overrides: object) -> CreditNotification:
    notification = CreditNotification(msg_id="CB202510090000000001-N", created_at=CREATED,
                                      voucher_no="220100-20251009-000017", bank_ref="CB202510090000000001",
                                      amount=Decimal("1234.50"), value_date=date(2025, 10, 9),
                                      creditor_acct="6222000000000001")
    return replace(notification, **overrides)


def _find(xml: str, namespace: str, path: str) -> ET.Element:
    node = ET.fromstring(xml).find("/".join(f"{{{namespace}}}{p}" for p in path.split("/")))
    assert node is not None, path
    return node


# pain.001 -----------------------------------------------------------------------------------------------


def test_a_voucher_reads_back_as_the_same_credit_transfer() -> None:  # N art.14
    transfer = a_transfer()
    assert read_credit_transfer(credit_transfer_initiation(transfer)) == transfer


def test_a_utc_instant_reads_back_with_its_offset() -> None:
    transfer = a_transfer(created_at=datetime(2025, 10, 9, 1, 30, tzinfo=UTC))
    back = read_credit_transfer(credit_transfer_initiation(transfer))
    assert back.created_at == transfer.created_at
    assert back.created_at.utcoffset() == timedelta(0)


@pytest.mark.parametrize(("amount", "text"), [(Decimal("1234.5"), "1234.50"), (Decimal("1E+2"), "100.00"),
                                              (Decimal("0.01"), "0.01"), (Decimal("9999999999999999.99"),
                                                                          "9999999999999999.99")])
def test_the_amount_is_written_in_cny_with_exactly_two_decimals(amount: Decimal, text: str) -> None:
    xml = credit_transfer_initiation(a_transfer(amount=amount))
    instructed = _find(xml, PAIN_001, "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/Amt/InstdAmt")
    assert instructed.text == text
    assert instructed.get("Ccy") == "CNY"
    assert _find(xml, PAIN_001, "CstmrCdtTrfInitn/GrpHdr/CtrlSum").text == text
    assert _find(xml, PAIN_001, "CstmrCdtTrfInitn/PmtInf/CtrlSum").text == text
    assert read_credit_transfer(xml).amount == amount


def test_the_voucher_number_is_the_end_to_end_id_and_the_payment_information_id() -> None:  # N art.14
    xml = credit_transfer_initiation(a_transfer(voucher_no="511100-20251009-000001"))
    assert _find(xml, PAIN_001, "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/PmtId/EndToEndId").text == \
        "511100-20251009-000001"
    assert _find(xml, PAIN_001, "CstmrCdtTrfInitn/PmtInf/PmtInfId").text == "511100-20251009-000001"


def test_the_document_declares_utf8_and_the_pain_001_namespace() -> None:
    xml = credit_transfer_initiation(a_transfer())
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    assert ET.fromstring(xml).tag == f"{{{PAIN_001}}}Document"


def test_names_and_purpose_are_cut_to_140_characters() -> None:
    long_name = "医" * 150
    back = read_credit_transfer(credit_transfer_initiation(
        a_transfer(creditor=Party(long_name, "6222000000000001", "102241000099"), purpose="x" * 200)))
    assert back.creditor.name == "医" * 140
    assert back.purpose == "x" * 140


def test_markup_in_a_name_is_escaped_not_interpreted() -> None:
    transfer = a_transfer(creditor=Party("A&B <医院>", "6222000000000001", "102241000099"))
    assert read_credit_transfer(credit_transfer_initiation(transfer)).creditor.name == "A&B <医院>"


def test_a_credit_transfer_without_an_instructed_amount_is_refused() -> None:
    xml = re.sub(r"<Amt><InstdAmt[^>]*>[^<]*</InstdAmt></Amt>", "", credit_transfer_initiation(a_transfer()))
    assert "InstdAmt" not in xml
    with pytest.raises(ValueError, match="InstdAmt"):
        read_credit_transfer(xml)


@pytest.mark.parametrize("currency", ['Ccy="USD"', 'Ccy="cny"', ""])
def test_a_credit_transfer_in_another_currency_is_refused(currency: str) -> None:
    xml = credit_transfer_initiation(a_transfer()).replace('Ccy="CNY"', currency)
    with pytest.raises(ValueError, match="CNY"):
        read_credit_transfer(xml)


def test_a_credit_transfer_with_an_amount_beyond_the_fen_is_refused() -> None:
    xml = credit_transfer_initiation(a_transfer()).replace(">1234.50</InstdAmt>", ">1234.505</InstdAmt>")
    with pytest.raises(ValueError, match="two decimals"):
        read_credit_transfer(xml)


def test_a_credit_transfer_missing_its_payee_account_is_refused() -> None:
    xml = credit_transfer_initiation(a_transfer()).replace(
        "<CdtrAcct><Id><Othr><Id>6222000000000001</Id></Othr></Id></CdtrAcct>", "")
    with pytest.raises(ValueError, match="CdtrAcct"):
        read_credit_transfer(xml)


def test_another_message_is_not_read_as_a_credit_transfer() -> None:
    with pytest.raises(ValueError):
        read_credit_transfer(credit_notification(a_notification()))


# pain.002 -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("report", [a_status(), a_status(status="ACSC", reason_code=None, reason=None),
                                    a_status(status="ACCP", reason_code="NARR", reason=None)],
                         ids=["rejected", "settled", "accepted"])
def test_a_status_report_reads_back_as_the_same_report(report: StatusReport) -> None:  # N art.15
    xml = payment_status_report(report)
    assert ET.fromstring(xml).tag == f"{{{PAIN_002}}}Document"
    assert read_payment_status_report(xml) == report


def test_a_status_report_names_the_original_message_and_voucher() -> None:
    xml = payment_status_report(a_status())
    assert _find(xml, PAIN_002, "CstmrPmtStsRpt/OrgnlGrpInfAndSts/OrgnlMsgNmId").text == "pain.001.001.09"
    assert _find(xml, PAIN_002, "CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts/OrgnlEndToEndId").text == \
        "220100-20251009-000017"
    assert _find(xml, PAIN_002, "CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts/TxSts").text == "RJCT"


def test_a_long_reason_is_cut_to_105_characters() -> None:
    back = read_payment_status_report(payment_status_report(a_status(reason="因" * 120)))
    assert back.reason == "因" * 105


# camt.054 -----------------------------------------------------------------------------------------------


def test_a_credit_notification_reads_back_as_the_same_notification() -> None:  # JL art.18 (回单)
    notification = a_notification()
    xml = credit_notification(notification)
    assert ET.fromstring(xml).tag == f"{{{CAMT_054}}}Document"
    assert read_credit_notification(xml) == notification


def test_a_credit_notification_books_a_credit_in_cny_with_two_decimals() -> None:
    xml = credit_notification(a_notification(amount=Decimal("88")))
    amount = _find(xml, CAMT_054, "BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/Amt")
    assert (amount.text, amount.get("Ccy")) == ("88.00", "CNY")
    assert _find(xml, CAMT_054, "BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry/CdtDbtInd").text == "CRDT"
    assert read_credit_notification(xml).amount == Decimal("88.00")


def test_a_credit_notification_in_another_currency_is_refused() -> None:
    xml = credit_notification(a_notification()).replace('Ccy="CNY"', 'Ccy="HKD"')
    with pytest.raises(ValueError, match="CNY"):
        read_credit_notification(xml)


# the official schemas (pain001: pain.001.001.09, pain.002.001.12; camt053: camt.054.001.08) -------------


@pytest.mark.parametrize("transfer", [
    a_transfer(),
    a_transfer(amount=Decimal("0.01")),
    a_transfer(amount=Decimal("9999999999999999.99")),
    a_transfer(created_at=datetime(2025, 10, 9, 1, 30, tzinfo=UTC)),
    a_transfer(creditor=Party("医" * 150, "6" * 34, "102241000099"), purpose="x" * 200),
    a_transfer(creditor=Party("A&B <医院>", "6222000000000001", "102241000099")),
], ids=["ordinary", "one-fen", "largest", "utc", "longest", "markup"])
def test_every_voucher_document_is_valid_pain_001_001_09(transfer: CreditTransfer) -> None:  # N art.15
    assert schema_errors(credit_transfer_initiation(transfer)) == []


@pytest.mark.parametrize("report", [a_status(), a_status(status="ACSC", reason_code=None, reason=None),
                                    a_status(status="ACCP", reason_code="NARR", reason=None),
                                    a_status(reason="因" * 120)],
                         ids=["rejected", "settled", "accepted", "long-reason"])
def test_every_status_report_is_valid_pain_002_001_12(report: StatusReport) -> None:  # JL art.18
    assert schema_errors(payment_status_report(report)) == []


@pytest.mark.parametrize("amount", [Decimal("0.01"), Decimal("88"), Decimal("9999999999999999.99")])
def test_every_credit_notification_is_valid_camt_054_001_08(amount: Decimal) -> None:  # JL art.18 (回单)
    assert schema_errors(credit_notification(a_notification(amount=amount))) == []


def test_a_document_missing_a_required_element_breaks_the_schema() -> None:
    xml = credit_transfer_initiation(a_transfer()).replace(
        "<CdtrAcct><Id><Othr><Id>6222000000000001</Id></Othr></Id></CdtrAcct>", "").replace(
        "<Dbtr><Nm>长春市医疗保障事务中心职工医保基金支出户</Nm></Dbtr>", "")
    errors = schema_errors(xml)
    assert errors and any("Dbtr" in e for e in errors)


@pytest.mark.parametrize("amount", ["1234.505001", "-1234.50", "12,34"])
def test_an_amount_the_schema_cannot_carry_breaks_it(amount: str) -> None:
    # the schema itself allows five decimals: the fen (two) is the readers' rule, tested above
    xml = credit_transfer_initiation(a_transfer()).replace(">1234.50</InstdAmt>", f">{amount}</InstdAmt>")
    assert any("InstdAmt" in e for e in schema_errors(xml))


def test_a_status_report_without_its_status_breaks_the_schema() -> None:
    xml = payment_status_report(a_status()).replace("<TxSts>RJCT</TxSts>", "<TxSts>REJECTED</TxSts>")
    assert any("TxSts" in e for e in schema_errors(xml))


def test_text_that_is_not_xml_or_not_a_bank_message_is_reported_not_raised() -> None:
    assert schema_errors("not xml")[0].startswith("not well-formed XML")
    assert schema_errors('<Document xmlns="urn:example"/>') == ["not a message of the bank link: {urn:example}Document"]


def test_an_external_entity_is_never_resolved() -> None:
    xml = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           f'<Document xmlns="{PAIN_001}">&x;</Document>')
    assert schema_errors(xml) == ["a DOCTYPE has no place in an ISO 20022 message"]


def test_an_account_number_longer_than_iso_20022_carries_is_refused() -> None:  # Max34Text
    with pytest.raises(ValueError, match="1 to 34"):
        credit_transfer_initiation(a_transfer(creditor=Party("医院", "6" * 35, "102241000099")))
