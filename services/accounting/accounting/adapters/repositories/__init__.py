from accounting.adapters.repositories.checks import Checks
from accounting.adapters.repositories.facts import Facts, Month
from accounting.adapters.repositories.ledger import Ledger, Posted, Source

__all__ = ["Checks", "Facts", "Ledger", "Month", "Posted", "Source"]
