"""The Kubernetes manifests, checked without a cluster: every overlay renders with Kustomize, every core object
validates against the Kubernetes schema, every custom resource has only the fields its operator documents,
and the invariants an operator relies on hold (deploy/, README "Run it in Kubernetes")."""

from __future__ import annotations

import copy
import re
from typing import Any

import kubernetes_validate
import pytest

from deploy import kafka_manifests
from launcher.stack import CONSOLE, SERVICES, WITH_CONSOLE
from shared.contracts import topics
from shared.contracts.topics import all_topic_names
from tests.deploy.fields import custom_kinds, problems, trigger_problems
from tests.deploy.kustomize import render

OVERLAYS = ["deploy/overlays/dev", "deploy/overlays/prod"]
#: The oldest Kubernetes the manifests support (CronJob timeZone, the preStop sleep action) and a recent one.
KUBERNETES = ["1.30.0", "1.33.0"]
#: Peak RSS of one process under load, MiB (bench/e2e.py --records 6000 --rate 1000, sampled every second).
#: The console's RSS after the browser suite's pages (tests/console), measured as the note in its Deployment says.
CONSOLE_RSS_MIB = 125
MEASURED_RSS_MIB = {"claims": 134, "audit": 114, "disbursement": 113, "bank-gateway": 94, "accounting": 93,
                    "bank-simulator": 94, "console": CONSOLE_RSS_MIB}
SECRET_LIKE = re.compile(r"PASSWORD|TOKEN|SECRET|CREDENTIAL|PRIVATE|API_KEY", re.I)


def of_kind(objects: tuple[dict[str, Any], ...], kind: str) -> list[dict[str, Any]]:
    return [o for o in objects if o["kind"] == kind]


def named(objects: tuple[dict[str, Any], ...], kind: str, name: str) -> dict[str, Any]:
    (found,) = [o for o in of_kind(objects, kind) if o["metadata"]["name"] == name]
    return found


def pod_specs(objects: tuple[dict[str, Any], ...]) -> list[tuple[str, dict[str, Any]]]:
    specs = [(f"Deployment/{d['metadata']['name']}", d["spec"]["template"]["spec"]) for d in of_kind(objects, "Deployment")]
    specs += [(f"CronJob/{c['metadata']['name']}", c["spec"]["jobTemplate"]["spec"]["template"]["spec"])
              for c in of_kind(objects, "CronJob")]
    return specs


def services_in(overlay: str) -> list[Any]:
    return [s for s in SERVICES if overlay.endswith("dev") or s.name not in kafka_manifests.DEV_ONLY]


def mib(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    return float(quantity[:-2]) * units[quantity[-2:]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_overlay_renders_into_its_own_namespace(overlay: str) -> None:
    objects = render(overlay)
    (namespace,) = of_kind(objects, "Namespace")
    assert {o["metadata"].get("namespace") for o in objects if o["kind"] != "Namespace"} == \
        {namespace["metadata"]["name"]}


@pytest.mark.parametrize("version", KUBERNETES)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_core_object_validates_against_the_kubernetes_schema(overlay: str, version: str) -> None:
    core = [o for o in render(overlay) if f"{o['apiVersion']} {o['kind']}" not in custom_kinds()]
    assert core
    for document in core:
        kubernetes_validate.validate(document, version, strict=True)  # raises, naming the field


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_custom_resource_has_only_the_fields_its_operator_documents(overlay: str) -> None:
    custom = [o for o in render(overlay) if f"{o['apiVersion']} {o['kind']}" in custom_kinds()]
    found = {f"{o['kind']}/{o['metadata']['name']}": problems(o) for o in custom}
    assert {k: v for k, v in found.items() if v} == {}
    # What KEDA's ScaledObjects carry of other schemas: the kafka scaler's parameters, an HPA's behavior.
    for scaled in of_kind(render(overlay), "ScaledObject"):
        for trigger in scaled["spec"]["triggers"]:
            assert trigger["type"] == "kafka" and trigger_problems(trigger["metadata"]) == []
        behavior = scaled["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]
        kubernetes_validate.validate({"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                                      "metadata": {"name": "x"}, "spec": {
                                          "scaleTargetRef": {"kind": "Deployment", "name": "x"},
                                          "maxReplicas": 1, "behavior": behavior}}, KUBERNETES[0], strict=True)


def test_the_checks_refuse_a_misspelt_field_in_either_kind_of_object() -> None:
    objects = render("deploy/overlays/prod")
    topic = copy.deepcopy(of_kind(objects, "KafkaTopic")[0])
    topic["spec"]["partition"] = topic["spec"].pop("partitions")
    assert problems(topic) == ["spec: Additional properties are not allowed ('partition' was unexpected)"]
    user = copy.deepcopy(of_kind(objects, "KafkaUser")[0])
    user["spec"]["authorization"]["acls"][0]["operations"] = ["Produce"]
    assert len(problems(user)) == 1
    deployment = copy.deepcopy(of_kind(objects, "Deployment")[0])
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES[0], strict=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_has_probes_limits_and_a_non_root_user_on_a_read_only_root(overlay: str) -> None:
    for where, spec in pod_specs(render(overlay)):
        assert spec["securityContext"]["runAsNonRoot"] is True, where
        assert spec["securityContext"]["runAsUser"] > 0, where
        assert spec["automountServiceAccountToken"] is False, where
        for container in spec.get("initContainers", []) + spec["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            for bound in ("requests", "limits"):
                assert set(container["resources"][bound]) == {"cpu", "memory"}, f"{where} {container['name']}"
        if where.startswith("Deployment/"):
            (service,) = spec["containers"]
            assert service["livenessProbe"]["httpGet"]["path"] == "/health/live", where
            assert service["readinessProbe"]["httpGet"]["path"] == "/health/ready", where
            assert service["startupProbe"]["httpGet"]["path"] == "/health/live", where
            assert {p["name"] for p in service["ports"]} == {"http"}, where


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_runs_its_module_after_migrating_with_memory_from_the_measured_rss(overlay: str) -> None:
    objects = render(overlay)
    for service in services_in(overlay):
        spec = named(objects, "Deployment", service.name)["spec"]["template"]["spec"]
        (migrate,), (main,) = spec["initContainers"], spec["containers"]
        assert migrate["command"] == ["python", "-m", service.module, "migrate"]
        assert main["command"] == ["python", "-m", service.module, "serve"]
        assert main["ports"][0]["containerPort"] == service.default_port
        measured = MEASURED_RSS_MIB[service.name]
        assert mib(main["resources"]["requests"]["memory"]) >= 1.2 * measured, service.name
        assert mib(main["resources"]["limits"]["memory"]) >= 2 * measured, service.name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_secret_is_a_reference(overlay: str) -> None:
    objects = render(overlay)
    assert of_kind(objects, "Secret") == []
    for config in of_kind(objects, "ConfigMap"):
        assert not [k for k in config.get("data", {}) if SECRET_LIKE.search(k)], config["metadata"]["name"]
    for where, spec in pod_specs(objects):
        for container in spec.get("initContainers", []) + spec["containers"]:
            for variable in container.get("env", []):
                if SECRET_LIKE.search(variable["name"]) or variable["name"] == "DATABASE_USER":
                    assert "secretKeyRef" in variable.get("valueFrom", {}), f"{where}: {variable['name']}"
                elif "value" in variable:  # a URL may embed a secret only through $(VAR) substitution
                    assert not re.search(r"://[^$/]*:[^$/]+@", variable["value"]), f"{where}: {variable['name']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_topic_the_code_uses_has_a_kafka_topic_and_a_dlq(overlay: str) -> None:
    kafka_topics = {t["spec"]["topicName"]: t["spec"] for t in of_kind(render(overlay), "KafkaTopic")}
    assert set(kafka_topics) == set(all_topic_names())
    for topic in topics.ALL:
        assert topic.dlq in kafka_topics
    # A topic with a message per settlement has every partition consumers may spread over; the others two.
    busy = {t.name for t in topics.ALL if t.per_settlement}
    assert busy == {topics.SETTLEMENT_RECORDED.name, topics.SETTLEMENT_AUDITED.name, topics.LINE_COMPUTED.name}
    assert {name: spec["partitions"] for name, spec in kafka_topics.items()} == {
        name: kafka_manifests.PARTITIONS if name in busy else topics.QUIET_PARTITIONS for name in kafka_topics}


def test_the_generated_kafka_manifests_are_what_the_code_says() -> None:
    assert kafka_manifests.main(["--check"]) == 0, "run .venv/bin/python deploy/kafka_manifests.py"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_may_write_only_its_own_topics_and_its_dead_letters(overlay: str) -> None:
    objects = render(overlay)
    users = {u["metadata"]["name"]: u for u in of_kind(objects, "KafkaUser")}
    assert set(users) == {kafka_manifests.user_name(s.name) for s in services_in(overlay)}
    for service in services_in(overlay):
        acls = users[kafka_manifests.user_name(service.name)]["spec"]["authorization"]["acls"]
        consumed = set(kafka_manifests.subscribed_topics(service.module))
        own = {t.name for t in topics.ALL if kafka_manifests.producer_of(t.name) == service.name}
        writes = {a["resource"]["name"] for a in acls if "Write" in a["operations"]}
        reads = {a["resource"]["name"] for a in acls if "Read" in a["operations"] and a["resource"]["type"] == "topic"}
        assert writes == own | {f"{t}.dlq" for t in consumed}, service.name
        # ...and what its code publishes through its outbox is among them (else the broker refuses it).
        assert set(kafka_manifests.published_topics(service.module)) <= own, service.name
        assert reads == consumed, service.name
        groups = [a["resource"]["name"] for a in acls if a["resource"]["type"] == "group"]
        assert groups == ([service.name] if consumed else []), service.name
        assert all(a["resource"]["patternType"] == "literal" for a in acls), "no wildcard or prefix ACL"


def test_every_consumer_scales_on_its_lag_no_further_than_its_busiest_topics_partitions() -> None:
    """A replica beyond the partitions of the busiest topic it reads would hold none of them: idle, not ready."""
    objects = render("deploy/overlays/prod")
    partitions = {t["spec"]["topicName"]: t["spec"]["partitions"] for t in of_kind(objects, "KafkaTopic")}
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in of_kind(objects, "ScaledObject")}
    hpas = {h["spec"]["scaleTargetRef"]["name"]: h for h in of_kind(objects, "HorizontalPodAutoscaler")}
    assert not set(scaled) & set(hpas), "one autoscaler per Deployment"
    for service in services_in("deploy/overlays/prod"):
        consumed = kafka_manifests.subscribed_topics(service.module)
        ceiling = max(partitions[t] for t in consumed)
        if service.name in hpas:  # the claims API, on CPU
            spec = hpas[service.name]["spec"]
            assert spec["minReplicas"] >= 2 and spec["maxReplicas"] <= ceiling, service.name
            continue
        spec = scaled[service.name]["spec"]
        assert spec["minReplicaCount"] >= 2 and spec["maxReplicaCount"] <= ceiling, service.name
        triggers = spec["triggers"]
        assert sorted(t["metadata"]["topic"] for t in triggers) == sorted(consumed), service.name
        assert {t["metadata"]["consumerGroup"] for t in triggers} == {service.name}
        assert {int(t["metadata"]["lagThreshold"]) for t in triggers} == {kafka_manifests.LAG_THRESHOLD}
    assert set(hpas) == kafka_manifests.SCALED_ON_CPU | {CONSOLE.name}


def test_the_autoscalers_own_the_replica_count_in_prod_and_dev_runs_one_of_each_with_the_simulator() -> None:
    prod, dev = render("deploy/overlays/prod"), render("deploy/overlays/dev")
    assert all("replicas" not in d["spec"] for d in of_kind(prod, "Deployment")), "kubectl apply would reset them"
    assert {d["metadata"]["name"]: d["spec"]["replicas"] for d in of_kind(dev, "Deployment")} == \
        {s.name: 1 for s in WITH_CONSOLE}
    assert of_kind(dev, "ScaledObject") == of_kind(dev, "HorizontalPodAutoscaler") == []
    assert "bank-simulator" not in {d["metadata"]["name"] for d in of_kind(prod, "Deployment")}
    for deployment in of_kind(prod, "Deployment"):
        affinity = deployment["spec"]["template"]["spec"]["affinity"]["podAntiAffinity"]
        (term,) = affinity["preferredDuringSchedulingIgnoredDuringExecution"]
        assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
        assert "app.kubernetes.io/name" in term["podAffinityTerm"]["matchLabelKeys"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_claims_api_is_reachable_from_outside(overlay: str) -> None:
    objects = render(overlay)
    policies = of_kind(objects, "NetworkPolicy")
    open_to_all = [p for p in policies if any("from" not in rule for rule in p["spec"].get("ingress", []))]
    assert [p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in open_to_all] == ["claims"]
    (deny,) = [p for p in policies if p["spec"].get("ingress") is None]
    assert deny["spec"]["policyTypes"] == ["Ingress"]
    assert {"service", "scheduled-run"} <= set(deny["spec"]["podSelector"]["matchExpressions"][0]["values"])
    for ingress in of_kind(objects, "Ingress"):
        backends = {p["backend"]["service"]["name"] for r in ingress["spec"]["rules"] for p in r["http"]["paths"]}
        assert backends == {"claims"}
    for service in of_kind(objects, "Service"):
        assert service["spec"].get("type", "ClusterIP") == "ClusterIP"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_postgresql_and_kafka_are_reachable_only_from_the_services(overlay: str) -> None:
    objects = render(overlay)
    (postgres,) = [p for p in of_kind(objects, "NetworkPolicy")
                   if p["spec"]["podSelector"].get("matchLabels", {}).get("cnpg.io/cluster")]
    for rule in postgres["spec"]["ingress"]:
        for peer in rule["from"]:
            labels = peer.get("podSelector", {}).get("matchLabels", {})
            namespace = peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
            assert labels.get("app.kubernetes.io/component") == "service" or "cnpg.io/cluster" in labels \
                or namespace in {"cnpg-system", "monitoring"}, peer
    # ...and the services' pods carry the labels those rules admit (a pod without them could not connect).
    admitted = [peer["podSelector"]["matchLabels"] for rule in postgres["spec"]["ingress"] for peer in rule["from"]
                if peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component")]
    (kafka,) = of_kind(objects, "Kafka")
    admitted += [p["podSelector"]["matchLabels"] for listener in kafka["spec"]["kafka"]["listeners"]
                 for p in listener["networkPolicyPeers"] if "podSelector" in p]
    for deployment in of_kind(objects, "Deployment"):
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert all(selector.items() <= labels.items() for selector in admitted), deployment["metadata"]["name"]
    for listener in kafka["spec"]["kafka"]["listeners"]:
        assert listener["type"] == "internal" and listener["tls"] and listener["authentication"]["type"]
        peers = listener["networkPolicyPeers"]
        assert [p.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/component") for p in peers
                if "podSelector" in p] == ["service"]
        assert [p["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"] for p in peers
                if "namespaceSelector" in p] == ["keda"]
    assert kafka["spec"]["kafka"]["authorization"]["type"] == "simple"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_each_service_has_its_own_database_role_and_kafka_user(overlay: str) -> None:
    objects = render(overlay)
    (cluster,) = of_kind(objects, "Cluster")
    roles = {r["name"]: r["passwordSecret"]["name"] for r in cluster["spec"]["managed"]["roles"]}
    databases = {d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(objects, "Database")}
    for service in services_in(overlay):
        role = service.name.replace("-", "_")
        assert databases[f"jishi_{role}"] == role
        assert roles[role] == f"jishi-db-{service.name}"
        main = named(objects, "Deployment", service.name)["spec"]["template"]["spec"]["containers"][0]
        secrets = {v["valueFrom"]["secretKeyRef"]["name"] for v in main["env"] if "valueFrom" in v}
        assert secrets == {f"jishi-db-{service.name}", "jishi-operator-token", kafka_manifests.user_name(service.name)}
    assert cluster["spec"]["enableSuperuserAccess"] is False
    if overlay.endswith("prod"):
        assert cluster["spec"]["backup"]["barmanObjectStore"]["destinationPath"]
        (backup,) = of_kind(objects, "ScheduledBackup")
        assert backup["spec"]["cluster"]["name"] == cluster["metadata"]["name"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_scheduled_runs_job_asks_disbursement_what_is_due_and_may_be_retried(overlay: str) -> None:
    objects = render(overlay)
    (cron,) = of_kind(objects, "CronJob")
    assert cron["spec"]["timeZone"] == "Asia/Shanghai" and cron["spec"]["concurrencyPolicy"] == "Forbid"
    job = cron["spec"]["jobTemplate"]["spec"]
    assert job["backoffLimit"] > 0  # retrying is safe: runs are idempotent per region and date
    (container,) = job["template"]["spec"]["containers"]
    assert "/v1/runs/scheduled" in container["command"][-1]
    url = next(v["value"] for v in container["env"] if v["name"] == "DISBURSEMENT_URL")
    disbursement = named(objects, "Service", "disbursement")
    assert url == f"http://disbursement:{disbursement['spec']['ports'][0]['port']}"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_prometheus_scrapes_every_service_on_its_http_port(overlay: str) -> None:
    objects = render(overlay)
    (monitor,) = of_kind(objects, "ServiceMonitor")
    selector = monitor["spec"]["selector"]["matchLabels"]
    selected = [s for s in of_kind(objects, "Service") if selector.items() <= s["metadata"]["labels"].items()]
    assert {s["metadata"]["name"] for s in selected} == {s.name for s in services_in(overlay)} | {CONSOLE.name}
    assert all(s["spec"]["ports"][0]["name"] == "http" for s in selected)
    assert monitor["spec"]["endpoints"] == [{"port": "http", "path": "/metrics", "interval": "30s"}]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_console_runs_on_its_own_database_role_with_no_kafka_user(overlay: str) -> None:
    """The console acts only through the services' APIs: its own database (accounts, trail), the operator
    token, and no Kafka credentials at all."""
    objects = render(overlay)
    spec = named(objects, "Deployment", CONSOLE.name)["spec"]["template"]["spec"]
    (migrate,), (main,) = spec["initContainers"], spec["containers"]
    assert migrate["command"] == ["python", "-m", "console", "migrate"]
    assert main["command"] == ["python", "-m", "console", "serve"]
    assert main["ports"][0]["containerPort"] == CONSOLE.default_port
    secrets = {v["valueFrom"]["secretKeyRef"]["name"] for v in main["env"] if "valueFrom" in v}
    assert secrets == {"jishi-db-console", "jishi-operator-token"}
    (cluster,) = of_kind(objects, "Cluster")
    assert {r["name"]: r["passwordSecret"]["name"] for r in cluster["spec"]["managed"]["roles"]}["console"] == \
        "jishi-db-console"
    assert {d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(objects, "Database")}["jishi_console"] == "console"
    assert "console" not in {u["metadata"]["name"] for u in of_kind(objects, "KafkaUser")}
    config = named(objects, "ConfigMap", next(c["metadata"]["name"] for c in of_kind(objects, "ConfigMap")
                                              if c["metadata"]["name"].startswith("console")))["data"]
    for service in ("claims", "audit", "disbursement", "bank-gateway", "accounting"):
        port = named(objects, "Service", service)["spec"]["ports"][0]["port"]
        assert config[f"JISHI_{service.upper().replace('-', '_')}_URL"] == f"http://{service}:{port}"
    measured = MEASURED_RSS_MIB["console"]
    assert mib(main["resources"]["requests"]["memory"]) >= 1.2 * measured
    assert mib(main["resources"]["limits"]["memory"]) >= 2 * measured
