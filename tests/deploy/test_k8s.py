"""deploy/k8s/: every manifest parsed and checked the way the API server would refuse it.

No schema validator (kubeconform, kubeval) installs from the registries this project uses, so
the checks are here: known kinds and apiVersions, required fields, labels matching selectors,
probes on the hub's real /healthz and /readyz, resource requests, and references (Secrets,
ConfigMaps, volumes, the HPA's target and metric) that resolve.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from hub.container import Hub
from hub.ops.metrics import DatabaseCollector
from hub.settings import Settings
from tests.deploy.support import DEPLOY, load_all, runs_in_cli

K8S = DEPLOY / "k8s"
API_VERSIONS = {
    "Namespace": "v1", "ConfigMap": "v1", "Secret": "v1", "Service": "v1",
    "Deployment": "apps/v1", "Job": "batch/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2", "PodDisruptionBudget": "policy/v1",
}
REQUIRED = {  # beyond apiVersion, kind, metadata.name
    "Deployment": ["spec.selector.matchLabels", "spec.template.metadata.labels",
                   "spec.template.spec.containers"],
    "Job": ["spec.template.spec.containers", "spec.template.spec.restartPolicy"],
    "Service": ["spec.selector", "spec.ports"],
    "HorizontalPodAutoscaler": ["spec.scaleTargetRef.name", "spec.maxReplicas", "spec.metrics"],
    "PodDisruptionBudget": ["spec.selector.matchLabels"],
    "ConfigMap": ["data"],
    "Secret": ["stringData"],
}


def dig(doc: dict, dotted: str) -> object:
    for part in dotted.split("."):
        if not isinstance(doc, dict) or part not in doc:
            raise KeyError(dotted)
        doc = doc[part]
    return doc


def manifests() -> list[tuple[Path, dict]]:
    return [(path, doc) for path in sorted(K8S.glob("*.yaml")) if path.name != "kustomization.yaml"
            for doc in load_all(path)]


DOCS = manifests()
BY_KIND: dict[str, list[dict]] = {}
for _, _doc in DOCS:
    BY_KIND.setdefault(_doc["kind"], []).append(_doc)
WORKLOADS = BY_KIND["Deployment"] + BY_KIND["Job"]


def pod(doc: dict) -> dict:
    return doc["spec"]["template"]["spec"]


def test_every_manifest_has_a_known_kind_its_api_version_and_required_fields() -> None:
    assert len(DOCS) >= 12
    for path, doc in DOCS:
        assert API_VERSIONS.get(doc["kind"]) == doc["apiVersion"], (path.name, doc["kind"])
        assert doc["metadata"]["name"], path.name
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == "clue-hub", path.name
        for field in REQUIRED.get(doc["kind"], []):
            dig(doc, field)


def test_the_kustomization_lists_every_manifest_file() -> None:
    (kustomization,) = load_all(K8S / "kustomization.yaml")
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files


def test_api_worker_scheduler_deployments_and_a_migration_job_run_real_hub_commands() -> None:
    roles = {d["metadata"]["labels"]["app.kubernetes.io/component"]: d for d in WORKLOADS}
    assert set(roles) == {"api", "worker", "scheduler", "migrate"}
    assert roles["migrate"]["kind"] == "Job" and pod(roles["migrate"])["restartPolicy"] == "Never"
    assert roles["scheduler"]["spec"]["replicas"] >= 2  # one active, one standing by
    for role, doc in roles.items():
        (container,) = pod(doc)["containers"]
        assert container["args"][0] == role and runs_in_cli(container["args"]), container["args"]


def test_deployment_selectors_match_their_pod_labels_and_services_find_the_api_pods() -> None:
    for doc in BY_KIND["Deployment"]:
        selector = doc["spec"]["selector"]["matchLabels"]
        assert selector.items() <= doc["spec"]["template"]["metadata"]["labels"].items()
    for service in BY_KIND["Service"]:
        matched = [d for d in BY_KIND["Deployment"]
                   if service["spec"]["selector"].items() <= d["spec"]["template"]["metadata"]["labels"].items()]
        assert [d["metadata"]["name"] for d in matched] == ["hub-api"]
        ports = {p["name"] for c in pod(matched[0])["containers"] for p in c.get("ports", [])}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= ports


def test_the_api_is_probed_on_healthz_for_life_and_readyz_for_traffic() -> None:
    (api,) = [d for d in BY_KIND["Deployment"] if d["metadata"]["name"] == "hub-api"]
    (container,) = pod(api)["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    port_names = {p["name"] for p in container["ports"]}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["port"] in port_names


def test_every_container_requests_cpu_and_memory_and_runs_unprivileged() -> None:
    for doc in WORKLOADS:
        spec = pod(doc)
        assert spec["securityContext"]["runAsNonRoot"] is True
        for container in spec["containers"] + spec.get("initContainers", []):
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), container["name"]
            assert container["securityContext"]["allowPrivilegeEscalation"] is False


def test_mounts_configmaps_and_secrets_referenced_by_pods_exist() -> None:
    config_maps = {d["metadata"]["name"]: d for d in BY_KIND["ConfigMap"]}
    secrets = {d["metadata"]["name"]: d for d in BY_KIND["Secret"]}
    for doc in WORKLOADS:
        spec = pod(doc)
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"] + spec.get("initContainers", []):
            for mount in container.get("volumeMounts", []):
                assert mount["name"] in volumes, (doc["metadata"]["name"], mount["name"])
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets
        for volume in volumes.values():
            if "secret" in volume:
                assert set(secrets[volume["secret"]["secretName"]]["stringData"]) == {
                    "keyring.json", "signing_key.pem"}


def test_the_configmap_and_secret_set_only_settings_the_hub_reads() -> None:
    known = {f"HUB_{name.upper()}" for name in Settings.model_fields}
    for doc in BY_KIND["ConfigMap"] + [s for s in BY_KIND["Secret"] if s["metadata"]["name"] == "hub-env"]:
        keys = set(doc.get("data", {})) | set(doc.get("stringData", {}))
        assert keys <= known, keys - known
    settings = Settings(_env_file=None, **{k[4:].lower(): v for k, v in BY_KIND["ConfigMap"][0]["data"].items()})
    assert settings.environment == "production" and settings.port == 8000


def test_pod_disruption_budgets_cover_each_deployment() -> None:
    covered = set()
    for pdb in BY_KIND["PodDisruptionBudget"]:
        for doc in BY_KIND["Deployment"]:
            if pdb["spec"]["selector"]["matchLabels"].items() <= doc["spec"]["template"]["metadata"]["labels"].items():
                covered.add(doc["metadata"]["name"])
                assert pdb["spec"]["minAvailable"] < doc["spec"]["replicas"]
    assert covered == {d["metadata"]["name"] for d in BY_KIND["Deployment"]}


@pytest.mark.parametrize("backend", ["embedded"], indirect=True)
def test_workers_scale_on_the_queue_lag_metric_the_hub_publishes(hub: Hub) -> None:
    (hpa,) = BY_KIND["HorizontalPodAutoscaler"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", "hub-worker")
    assert hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["type"] == "External"
    name = metric["external"]["metric"]["name"]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(hub))
    published = generate_latest(registry).decode()
    assert f"\n{name} " in published or published.startswith(f"{name} ")
