"""Draft the next Alembic revision of a service from the difference between its tables and its migrations.

    .venv/bin/python -m launcher.revision disbursement "enrollment and deductions"

Starts a throw-away embedded PostgreSQL, migrates a scratch database to head, compares it with the
service's metadata (Alembic autogenerate) and writes ``migrations/versions/NNNN_<slug>.py``. Read the draft:
autogenerate does not see triggers, data or renamed columns.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import re
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import create_async_engine

from launcher.infra import EmbeddedPostgres
from launcher.procs import free_port
from shared.migrations import alembic_config, upgrade
from shared.settings import ServiceSettings, database_url


class _Scratch(ServiceSettings):
    SERVICE = "scratch"


def _render(package: str) -> tuple[str, str]:
    metadata = importlib.import_module(f"{package}.adapters.tables").metadata
    root = Path(tempfile.mkdtemp())
    postgres = EmbeddedPostgres.start(root / "pg", free_port(), log_file=root / "pg.log")
    try:
        settings = _Scratch(database_url=postgres.url, database_name="scratch", operator_token="scratch")
        upgrade(package, settings)

        async def diff() -> tuple[str, str]:
            engine = create_async_engine(database_url(postgres.url, "scratch", driver="postgresql+asyncpg"))
            async with engine.connect() as conn:
                def compare(sync):  # type: ignore[no-untyped-def]
                    context = MigrationContext.configure(sync, opts={"compare_type": _same_type})
                    ops = produce_migrations(context, metadata)
                    return render_python_code(ops.upgrade_ops), render_python_code(ops.downgrade_ops)

                result = await conn.run_sync(compare)
            await engine.dispose()
            return result

        return asyncio.run(diff())
    finally:
        postgres.stop()
        shutil.rmtree(root, ignore_errors=True)


def _same_type(context, inspected_column, metadata_column, inspected_type, metadata_type):  # type: ignore[no-untyped-def]
    """TEXT in the database and an unbounded String in the tables are the same to PostgreSQL: no diff."""
    declared = getattr(metadata_type, "impl_instance", metadata_type)  # SQLModel's AutoString is a decorator
    if isinstance(inspected_type, sa.Text) and isinstance(declared, sa.String) and not declared.length:
        return False
    return None  # the default comparison


def _clean(code: str) -> str:
    code = re.sub(r"sqlmodel\.sql\.sqltypes\.AutoString\(\)", "sa.Text()", code)
    code = re.sub(r"sqlmodel\.sql\.sqltypes\.AutoString\(length=(\d+)\)", r"sa.String(length=\1)", code)
    code = code.replace("postgresql.JSONB(astext_type=sa.Text())", "postgresql.JSONB()")
    code = code.replace("postgresql.JSONB(astext_type=Text())", "postgresql.JSONB()")
    return "\n".join(line for line in code.splitlines() if not line.strip().startswith("# ###"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("package")
    parser.add_argument("message")
    args = parser.parse_args()
    scripts = ScriptDirectory.from_config(alembic_config(args.package))
    head = scripts.get_current_head()
    number = f"{int(head or 0) + 1:04d}" if (head or "0").isdigit() else None
    if number is None:
        raise SystemExit(f"revisions of {args.package} are not numbered; name this one by hand")
    upgrade_code, downgrade_code = _render(args.package)
    slug = re.sub(r"[^a-z0-9]+", "_", args.message.lower()).strip("_")
    path = Path(scripts.dir) / "versions" / f"{number}_{slug}.py"
    path.write_text(
        f'"""{args.message}\n\nRevision ID: {number}\nRevises: {head}\n"""\n\n'
        "import sqlalchemy as sa\nfrom alembic import op\nfrom sqlalchemy.dialects import postgresql\n\n"
        f'revision = "{number}"\ndown_revision = {head!r}\nbranch_labels = None\ndepends_on = None\n\n\n'
        f"def upgrade() -> None:\n{_clean(upgrade_code)}\n\n\ndef downgrade() -> None:\n{_clean(downgrade_code)}\n"
    )
    print(path)


if __name__ == "__main__":
    main()
