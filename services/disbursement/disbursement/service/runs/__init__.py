"""The runs (拨付批次): each idempotent per region and business date or period, each a summary an operator
signs and the payment orders it releases."""
