"""How every Kafka client signs in (shared.messaging.kafka.client_security): nothing on a laptop; TLS verified
with the cluster's CA and SCRAM with the service's own Kafka user in Kubernetes (deploy/, Strimzi)."""

from __future__ import annotations

import ssl
from typing import ClassVar

import certifi
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from pydantic import ValidationError

from shared.messaging.kafka import client_security, make_consumer, make_producer
from shared.settings import ServiceSettings


class KafkaUserSettings(ServiceSettings):
    SERVICE: ClassVar[str] = "kafka-user-svc"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ["SECURITY_PROTOCOL", "SASL_MECHANISM", "SASL_USERNAME", "SASL_PASSWORD", "SSL_CAFILE"]:
        monkeypatch.delenv(f"JISHI_KAFKA_{name}", raising=False)


def test_plaintext_is_the_default_and_adds_no_option() -> None:
    assert client_security(KafkaUserSettings()) == {}


def test_the_manifests_variables_give_scram_over_tls_verified_with_the_cluster_ca(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the variables deploy/base/config and each service's ConfigMap and Secret reference set
    monkeypatch.setenv("JISHI_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("JISHI_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("JISHI_KAFKA_SASL_USERNAME", "jishi-audit")
    monkeypatch.setenv("JISHI_KAFKA_SASL_PASSWORD", "from-strimzi")
    monkeypatch.setenv("JISHI_KAFKA_SSL_CAFILE", certifi.where())
    options = client_security(KafkaUserSettings())
    assert options["security_protocol"] == "SASL_SSL"
    assert (options["sasl_mechanism"], options["sasl_plain_username"], options["sasl_plain_password"]) == \
        ("SCRAM-SHA-512", "jishi-audit", "from-strimzi")
    context = options["ssl_context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # the CA file was loaded


def test_the_password_stays_secret_in_the_settings() -> None:
    settings = KafkaUserSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="u",
                                 kafka_sasl_password="p4ss")
    assert "p4ss" not in repr(settings)


def test_sasl_without_a_user_and_password_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="JISHI_KAFKA_SASL_USERNAME"):
        KafkaUserSettings(kafka_security_protocol="SASL_SSL")


def test_a_missing_ca_file_is_refused_at_start() -> None:
    settings = KafkaUserSettings(kafka_security_protocol="SSL", kafka_ssl_cafile="/nonexistent/ca.crt")
    with pytest.raises(FileNotFoundError):
        client_security(settings)


async def test_producer_and_consumer_are_built_with_the_sign_in_options() -> None:
    settings = KafkaUserSettings(kafka_security_protocol="SASL_SSL", kafka_sasl_username="jishi-audit",
                                 kafka_sasl_password="from-strimzi", kafka_ssl_cafile=certifi.where())
    producer = make_producer(settings)
    consumer = make_consumer(settings, group_id="audit", topics=[])
    for client in (producer, consumer):
        assert isinstance(client, (AIOKafkaProducer, AIOKafkaConsumer))
    for kafka_client in (producer.client, consumer._client):
        assert kafka_client._security_protocol == "SASL_SSL"
        assert kafka_client._sasl_mechanism == "SCRAM-SHA-512"
        assert kafka_client._sasl_plain_username == "jishi-audit"
        assert kafka_client._ssl_context is not None
    await consumer.stop()
    await producer.stop()
