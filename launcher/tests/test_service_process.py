"""A service started as a process by the ops tests and benches runs with exactly the settings held for it
(issue 9, item 6: the replicas of a scaling run must share one database, one prefix and so one group)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bank_gateway.settings import BankGatewaySettings
from launcher.service_process import Metrics, settings_env


def test_a_child_reading_the_environment_gets_every_setting_held_for_it_secrets_included(
        monkeypatch: pytest.MonkeyPatch) -> None:
    held = BankGatewaySettings(database_url="postgresql://postgres@127.0.0.1:5999/postgres", database_name="x_gw",
                               kafka_bootstrap="127.0.0.1:19092", topic_prefix="x.", operator_token="op_secret",
                               outbox_poll_interval_s=0.2, kafka_sasl_password=SecretStr("pw"),
                               kafka_sasl_username="u", log_level="WARNING", bank_url="http://127.0.0.1:1")
    monkeypatch.setenv("JISHI_TOPIC_PREFIX", "someone-elses.")  # the service's own prefix wins over JISHI_*
    for name, value in settings_env(held).items():
        monkeypatch.setenv(name, value)
    child = BankGatewaySettings()
    assert child.model_dump() == held.model_dump()
    assert child.operator_token.get_secret_value() == "op_secret"
    assert child.kafka_sasl_password is not None and child.kafka_sasl_password.get_secret_value() == "pw"


def test_a_scrape_tells_the_partitions_a_consumer_holds_of_one_topic() -> None:
    scrape = Metrics.parse(
        'jishi_consumer_lag{partition="1",topic="claims.settlement-recorded"} 3.0\n'
        'jishi_consumer_lag{partition="5",topic="claims.settlement-recorded"} 0.0\n'
        'jishi_consumer_lag{partition="2",topic="claims.institution-registered"} 0.0\n')
    assert scrape.partitions("claims.settlement-recorded") == {1, 5}
