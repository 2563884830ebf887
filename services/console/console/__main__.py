"""``console migrate | serve`` like every service, and ``console create-operator`` for the first admin."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys

from console.adapters.uow import ConsoleUnitOfWork
from console.domain.passwords import WeakPassword
from console.domain.roles import Role, parse_roles
from console.main import create_app
from console.operators import add_operator
from console.settings import ConsoleSettings
from shared.cli import service_main
from shared.db import make_engine, make_sessionmaker


def main() -> None:
    if sys.argv[1:2] == ["create-operator"]:
        sys.exit(create_operator(sys.argv[2:]))
    service_main(ConsoleSettings, create_app, "console")


def create_operator(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="jishi-console create-operator",
                                     description="Create an operator account (the database must be migrated). "
                                                 "The password is read from CONSOLE_NEW_PASSWORD, else asked.")
    parser.add_argument("username")
    parser.add_argument("--name", required=True, help="the name shown and recorded, e.g. 张会计")
    parser.add_argument("--role", action="append", required=True, help="clerk, reviewer, approver, finance, admin")
    parser.add_argument("--if-missing", action="store_true", help="exit 0 when the account exists already")
    args = parser.parse_args(argv)
    try:
        roles = parse_roles(args.role)
    except ValueError as exc:
        parser.error(str(exc))
    password = os.environ.get("CONSOLE_NEW_PASSWORD") or getpass.getpass(f"password for {args.username}: ")
    try:
        created = asyncio.run(_create(args.username, args.name, roles, password))
    except WeakPassword as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    if not created:
        print(f"{args.username} exists already", file=sys.stderr)
        return 0 if args.if_missing else 1
    print(f"created {args.username} ({', '.join(sorted(roles))})")
    return 0


async def _create(username: str, name: str, roles: frozenset[Role], password: str) -> bool:
    engine = make_engine(ConsoleSettings())
    try:
        return await add_operator(ConsoleUnitOfWork(make_sessionmaker(engine)), username=username, display_name=name,
                                  roles=roles, password=password, created_by="cli")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
