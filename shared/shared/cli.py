"""The one entry point every service has: ``<service> migrate`` and ``<service> serve``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

import uvicorn

from shared.migrations import upgrade
from shared.settings import ServiceSettings


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
        force=True,
    )
    logging.getLogger("aiokafka").setLevel(logging.WARNING)


def service_main(
    settings_class: type[ServiceSettings],
    create_app: Callable[[Any], Any],
    package: str,
    argv: Sequence[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=f"jishi-{settings_class.SERVICE}")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("migrate", help="create the database if needed and migrate it to head")
    serve = sub.add_parser("serve", help="serve the HTTP API and run the consumers (the default)")
    serve.add_argument("--migrate", action="store_true", help="migrate to head before serving")
    args = parser.parse_args(argv)

    settings = settings_class()
    configure_logging(settings.log_level)
    if args.command == "migrate" or getattr(args, "migrate", False):
        upgrade(package, settings)
        logging.getLogger(package).info("%s database %s is at head", package, settings.database_name)
        if args.command == "migrate":
            return
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=15,
        lifespan="on",
    )
    uvicorn.Server(config).run()
