"""deploy/kubernetes: valid against Kubernetes' own schemas (offline, kubernetes-validate),
complete, and running the images and settings that docker-compose.yml runs."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

try:
    import kubernetes_validate
except ImportError:
    pytest.fail("kubernetes-validate is missing (it carries the Kubernetes schemas): "
                ".venv/bin/pip install -c constraints.txt kubernetes-validate==1.37.0",
                pytrace=False)

KUBERNETES = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"
MANIFESTS = yaml.safe_load((KUBERNETES / "kustomization.yaml").read_text())["resources"]
# The oldest Kubernetes deploy/README.md promises, and the newest the schemas know.
VERSIONS = ("1.28", kubernetes_validate.utils.latest_version())
# Kinds from operators: no schema of Kubernetes' own, so their shape is checked below.
CUSTOM_KINDS = {("rabbitmq.com/v1beta1", "RabbitmqCluster"),
                ("postgresql.cnpg.io/v1", "Cluster")}


def documents() -> list:
    return [pytest.param(document, id=f"{name}:{document['kind']}/{document['metadata']['name']}")
            for name in MANIFESTS
            for document in yaml.safe_load_all((KUBERNETES / name).read_text()) if document]


def containers(deployment: dict) -> list[dict]:
    return deployment["spec"]["template"]["spec"]["containers"]


def test_kustomization_lists_every_manifest():
    on_disk = {path.name for path in KUBERNETES.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(MANIFESTS) == on_disk


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("document", documents())
def test_manifest_is_valid(document, version):
    if (document["apiVersion"], document["kind"]) in CUSTOM_KINDS:
        assert document["metadata"]["name"]
        assert isinstance(document.get("spec"), dict) and document["spec"]
        return
    try:
        kubernetes_validate.validate(document, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        where = ".".join(str(part) for part in error.path)
        pytest.fail(f"{where}: {error.message}")
    except kubernetes_validate.SchemaNotFoundError as error:
        pytest.fail(error.message)


def test_the_validator_catches_a_misspelt_field(objects):
    deployment = copy.deepcopy(objects["Deployment"]["gateway"])
    probe = containers(deployment)[0]["readinessProbe"]
    probe["httpGett"] = probe.pop("httpGet")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, VERSIONS[0], strict=True)


def test_every_part_is_there(objects):
    assert set(objects["Namespace"]) == {"crm"}
    assert objects["RabbitmqCluster"]["rabbitmq"]["spec"]["replicas"] == 3  # quorum queues
    assert {name: d["spec"]["replicas"] for name, d in objects["Deployment"].items()} == {
        "contacts": 2, "sales": 2, "marketing": 2, "support": 2, "reporting": 2, "gateway": 2}
    assert objects["Service"]["gateway"]["spec"]["selector"] == \
        objects["Deployment"]["gateway"]["spec"]["selector"]["matchLabels"]
    backend = objects["Ingress"]["gateway"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"]["name"] == "gateway"
    assert objects["HorizontalPodAutoscaler"]["gateway"]["spec"]["scaleTargetRef"]["name"] == \
        "gateway"
    assert {"ConfigMap", "Secret"} <= set(objects)


def test_every_deployment_has_a_disruption_budget_and_resources(objects):
    budgets = [b["spec"]["selector"]["matchLabels"]
               for b in objects["PodDisruptionBudget"].values()]
    for name, deployment in objects["Deployment"].items():
        assert deployment["spec"]["selector"]["matchLabels"] in budgets, name
        for container in containers(deployment):
            for bound in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][bound]), name


def test_the_gateway_is_probed_where_it_answers(objects):
    gateway = containers(objects["Deployment"]["gateway"])[0]
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz?scope=gateway"
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/healthz"
    port = {p["name"]: p["containerPort"] for p in gateway["ports"]}["http"]
    assert str(port) == environment(gateway, objects)["CRM_GATEWAY_PORT"]


def test_the_secret_is_a_template(objects):
    secret = objects["Secret"]["crm-secrets"]["stringData"]
    assert secret["CRM_SECRET_KEY"].startswith("REPLACE-ME")
    assert secret["CRM_ADMIN_PASSWORD"].startswith("REPLACE-ME")


def environment(container: dict, objects: dict) -> dict[str, str]:
    """Every variable a container gets, the ones from envFrom included (values of
    secretKeyRef and configMapKeyRef are left as '')."""
    names: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names.update(objects["ConfigMap"][source["configMapRef"]["name"]]["data"])
        else:
            names.update(objects["Secret"][source["secretRef"]["name"]]["stringData"])
    for variable in container.get("env", []):
        names[variable["name"]] = variable.get("value", "")
    return names


def test_deployments_run_the_compose_images_with_the_same_settings(objects, compose_config,
                                                                   kustomization):
    tags = {image["name"]: image["newTag"] for image in kustomization["images"]}
    for name, deployment in objects["Deployment"].items():
        service = compose_config["services"][name]
        (container,) = containers(deployment)
        repository, _, tag = container["image"].partition(":")
        compose_repository, _, compose_tag = service["image"].partition(":")
        assert repository == compose_repository, name
        assert tag == compose_tag == tags[repository], name
        in_kubernetes = {v for v in environment(container, objects) if v.startswith("CRM_")}
        in_compose = {v for v in service["environment"] if v.startswith("CRM_")}
        assert in_kubernetes == in_compose, name


def test_references_name_what_the_operators_and_manifests_make(objects):
    """Secrets and Services of the operators are named after their resources."""
    broker = objects["RabbitmqCluster"]
    databases = {c["spec"]["bootstrap"]["initdb"]["database"]: cluster
                 for cluster, c in objects["Cluster"].items()}
    made_secrets = {f"{name}-default-user" for name in broker} | {
        f"{name}-app" for name in objects["Cluster"]} | set(objects["Secret"])
    for name, deployment in objects["Deployment"].items():
        (container,) = containers(deployment)
        for variable in container["env"]:
            reference = variable.get("valueFrom", {}).get("secretKeyRef")
            if reference:
                assert reference["name"] in made_secrets, f"{name}: {reference['name']}"
                if reference["name"] in objects["Secret"]:
                    assert reference["key"] in objects["Secret"][reference["name"]]["stringData"]
        settings = environment(container, objects)
        assert urlsplit(settings["CRM_AMQP_URI"]).hostname in broker, name
        url = urlsplit(settings[f"CRM_{name.upper()}_DATABASE_URL"])
        database = url.path.lstrip("/")
        assert url.hostname == f"{databases[database]}-rw", name
        secret = {v["valueFrom"]["secretKeyRef"]["name"] for v in container["env"]
                  if v["name"] in re.findall(r"\$\((\w+)\)", url.netloc)}
        assert secret == {f"{databases[database]}-app"}, f"{name}: credentials of another db"


def test_kustomize_renders_the_base():
    """Optional: only where kustomize (or kubectl, which embeds it) is installed."""
    if kustomize := shutil.which("kustomize"):
        command = [kustomize, "build", str(KUBERNETES)]
    elif kubectl := shutil.which("kubectl"):
        command = [kubectl, "kustomize", str(KUBERNETES)]
    else:
        pytest.skip("neither kustomize nor kubectl is installed (optional check)")
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    rendered = [document for document in yaml.safe_load_all(result.stdout) if document]
    for document in rendered:
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == "crm", document["metadata"]["name"]
        assert document["metadata"]["labels"]["app.kubernetes.io/part-of"] == "crm"
