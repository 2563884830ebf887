"""The bank simulator: stands in for the fund's bank (医保基金开户银行), driven only through what a real bank
sees — vouchers on ``bankgateway.voucher-issued``, receipts on ``bank.receipt-returned``, status queries
over its bank-enterprise link (银企直联) — with faults a drill can switch on. It shares no code with the
gateway but the ISO 20022 codec and the messaging core."""
