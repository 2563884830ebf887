"""The one entry point every service has: ``<service> migrate`` and ``<service> serve``."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any

import uvicorn

from shared.migrations import upgrade
from shared.observability import tracing
from shared.observability.logs import configure_logging
from shared.settings import ServiceSettings
from shared.tuning import tune_gc

__all__ = ["configure_logging", "service_main"]


class _Server(uvicorn.Server):
    """uvicorn, telling the runtime on SIGTERM/SIGINT too: the consumer and background jobs stop taking work
    at the same moment the server stops accepting connections, not after the HTTP drain."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()
        super().handle_exit(sig, frame)
        # uvicorn raises the signal again once it has shut down, so the process dies of it (exit 143); a stop
        # that finished its work is a success: exit 0 (1 if a part of the runtime died, see below).
        self._captured_signals.clear()


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
    configure_logging(settings.log_level, fmt=settings.log_format, service=settings_class.SERVICE)
    if args.command == "migrate" or getattr(args, "migrate", False):
        upgrade(package, settings)
        logging.getLogger(package).info("%s database %s is at head", package, settings.database_name)
        if args.command == "migrate":
            return
    # Readiness checks the revision every few seconds: Alembic's lines about it would be most of the log.
    logging.getLogger("alembic.runtime.migration").setLevel(logging.WARNING)
    tracing.configure(settings_class.SERVICE)  # only if the OTEL_* variables ask for it
    try:
        app = create_app(settings)
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
            # At most half of the shutdown budget for HTTP requests in flight; the rest is the consumer's
            # batch and the outbox (shared/shared/service.py).
            timeout_graceful_shutdown=max(1, round(settings.shutdown_timeout_s / 2)),
            lifespan="on",
        )
        runtime = app.state.runtime
        tune_gc()  # once the app is built: what it holds for good is never scanned again
        _Server(config, on_exit=runtime.request_stop).run()
    finally:
        tracing.shutdown()
    if runtime.failed:
        sys.exit(1)  # a consumer or relay that died stopped the process: say so to whoever restarts it
