"""Issue 15 (memory ≤ 150 MB per service under load): a service process starts without the libraries only its
downloads use — openpyxl (which loads numpy), fhir.resources, reportlab — each 25-33 MB of resident memory
that the settlement path never touches. They load on the first download; these tests fail when a module-level
import brings one back."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("openpyxl", "numpy", "fhir", "reportlab", "matplotlib")
SERVICES = ("claims", "audit", "disbursement", "accounting", "bank_gateway")


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_starts_without_its_download_libraries(service: str) -> None:
    probe = (f"import sys, {service}.main\n"
             f"print(','.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert loaded.stdout.strip() == "", f"{service} imports {loaded.stdout.strip()} at start-up"
