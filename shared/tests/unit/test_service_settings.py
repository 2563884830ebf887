"""Settings every service shares (shared.settings): two layers of variables, derived names, no placeholders
outside a laptop (style.md, "Settings")."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import ValidationError

from shared.settings import PLACEHOLDER, ServiceSettings, database_url


class DemoSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "demo-svc"
    port: int = 8099


_VARIABLES = ["PORT", "MODE", "HOST", "DATABASE_URL", "DATABASE_NAME", "OPERATOR_TOKEN", "TOPIC_PREFIX"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _VARIABLES:
        monkeypatch.delenv(f"JISHI_{name}", raising=False)
        monkeypatch.delenv(f"DEMO_SVC_{name}", raising=False)


def test_the_service_variable_wins_over_the_system_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_PORT", "9000")
    monkeypatch.setenv("DEMO_SVC_PORT", "9123")
    assert DemoSettings().port == 9123


def test_the_system_variable_applies_when_the_service_sets_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_PORT", "9000")
    assert DemoSettings().port == 9000


def test_an_empty_service_variable_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_PORT", "9000")
    monkeypatch.setenv("DEMO_SVC_PORT", "")
    assert DemoSettings().port == 9000


def test_without_variables_the_subclass_default_applies() -> None:
    assert DemoSettings().port == 8099
    assert DemoSettings().mode == "local"


def test_an_argument_wins_over_every_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_SVC_PORT", "9123")
    assert DemoSettings(port=7001).port == 7001


def test_the_database_is_named_after_the_service() -> None:
    assert DemoSettings().database_name == "jishi_demo_svc"


def test_a_given_database_name_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_SVC_DATABASE_NAME", "jishi_demo_svc_test_17")
    assert DemoSettings().database_name == "jishi_demo_svc_test_17"


def test_sqlalchemy_url_uses_asyncpg_and_the_services_own_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_DATABASE_URL", "postgresql://jishi:s3cret@db.internal:5432/postgres")
    settings = DemoSettings()
    assert settings.sqlalchemy_url == "postgresql+asyncpg://jishi:s3cret@db.internal:5432/jishi_demo_svc"
    assert settings.asyncpg_dsn == "postgresql://jishi:s3cret@db.internal:5432/jishi_demo_svc"


def test_database_url_keeps_the_query_and_replaces_only_scheme_and_database() -> None:
    assert database_url("postgres://u@h:1/other?sslmode=require", "jishi_claims", driver="postgresql+asyncpg") == \
        "postgresql+asyncpg://u@h:1/jishi_claims?sslmode=require"
    assert database_url("postgresql://u@h:1", "jishi_audit", driver="postgresql") == "postgresql://u@h:1/jishi_audit"


def test_topics_carry_the_environments_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_TOPIC_PREFIX", "t42.")
    assert DemoSettings().topic("claims.settlement-recorded") == "t42.claims.settlement-recorded"


@pytest.mark.parametrize("mode", ["staging", "production"])
def test_the_placeholder_operator_token_is_refused_outside_a_laptop(monkeypatch, mode: str) -> None:
    monkeypatch.setenv("JISHI_MODE", mode)
    with pytest.raises(ValidationError, match="placeholder"):
        DemoSettings()


def test_an_empty_operator_token_counts_as_the_placeholder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_MODE", "production")
    monkeypatch.setenv("JISHI_OPERATOR_TOKEN", "")
    with pytest.raises(ValidationError, match="placeholder"):
        DemoSettings()


def test_a_real_operator_token_is_accepted_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_MODE", "production")
    monkeypatch.setenv("JISHI_OPERATOR_TOKEN", "a-long-real-secret")
    settings = DemoSettings()
    assert settings.operator_token.get_secret_value() == "a-long-real-secret"
    assert "a-long-real-secret" not in repr(settings)  # a secret never shows in logs


def test_the_placeholder_is_only_warned_about_on_a_laptop(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="shared.settings"):
        settings = DemoSettings()
    assert settings.operator_token.get_secret_value() == PLACEHOLDER
    assert any(PLACEHOLDER in r.getMessage() for r in caplog.records)


def test_an_unknown_mode_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JISHI_MODE", "prod")
    with pytest.raises(ValidationError, match="mode"):
        DemoSettings()
