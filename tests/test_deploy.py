"""The deploy recipes in deploy/, checked as far as this machine can without a container runtime or systemd as PID 1.

Each file goes through the linter its own world uses, installed from the registries
(pyproject.toml's dev list, bin/setup): hadolint for the Containerfile, kubernetes-validate
(the Kubernetes OpenAPI schemas, strict) for the manifests, Docker Compose's own
``config`` for the compose file, ``systemd-analyze verify`` for the units. Then what
the linters cannot know: that every recipe probes the readiness endpoint the app
serves, runs as a user other than root, shares the secrets every replica needs, and
that the Ingress keeps a browser on one pod.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import compose
import kubernetes_validate
import pytest
import yaml

from serve import haproxy, recipes
from tests.serve_harness import self_signed
from web.metrics import TOKEN_ENV as METRICS_TOKEN_ENV
from web.readiness import HEALTH_ADDRESS_ENV, HEALTH_PORT_ENV, READY_PATH
from web.shared_state import SESSION_KEY_ENV, STATE_DIR_ENV, STREAMLIT_COOKIE_SECRET_ENV
from web.staff import PASSPHRASE_ENV

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
CONTAINERFILE = DEPLOY / "Containerfile"
KUBERNETES = DEPLOY / "kubernetes"
COMPOSE = DEPLOY / "compose.yaml"
SYSTEMD = DEPLOY / "systemd"
BIN = Path(sys.executable).parent
# Every replica, however it is run, must be given the same of each (web/shared_state.py, ADR 14).
SHARED_SECRETS = [PASSPHRASE_ENV, SESSION_KEY_ENV, STREAMLIT_COOKIE_SECRET_ENV, METRICS_TOKEN_ENV]


def run(*cmd: str | Path, env: dict[str, str] | None = None, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env={**os.environ, **(env or {})})


# ------------------------------------------------------------------ the Containerfile


def containerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n\s*", " ", "\n".join(line for line in CONTAINERFILE.read_text().splitlines()
                                            if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines() if line.strip()]


def test_hadolint_finds_nothing_in_the_containerfile_not_even_at_info_level():
    result = run(BIN / "hadolint", "--failure-threshold", "info", "--disable-ignore-pragma", "--no-color",
                 CONTAINERFILE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_python_3_11_slim_runs_as_a_numeric_non_root_user_and_checks_readiness():
    steps = containerfile_instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    users = [args for kind, args in steps if kind == "USER"]
    assert users and re.fullmatch(r"[1-9]\d*(:[1-9]\d*)?", users[-1]), "the last USER is numeric and not root"
    [healthcheck] = [args for kind, args in steps if kind == "HEALTHCHECK"]
    assert f"http://127.0.0.1:9501{READY_PATH}" in healthcheck
    env = " ".join(args for kind, args in steps if kind == "ENV")
    assert f"{HEALTH_PORT_ENV}=9501" in env and f"{HEALTH_ADDRESS_ENV}=0.0.0.0" in env
    [cmd] = [args for kind, args in steps if kind == "CMD"]
    assert '"--server.port", "8501"' in cmd and '"streamlit", "run", "app.py"' in cmd


def test_the_image_builds_what_bin_setup_builds_with_the_same_commands():
    runs = " ".join(args for kind, args in containerfile_instructions() if kind == "RUN")
    builds = re.findall(r"^\s*\.venv/bin/(python -m \S+(?: --build)?)$", (REPO / "bin" / "setup").read_text(), re.M)
    assert "python -m locator.build" in builds and "python -m web.static_build --build" in builds
    for command in builds:
        assert command in runs, f"the image does not run bin/setup's {command}"


def test_no_secret_and_no_built_data_from_a_checkout_goes_into_the_image():
    ignored = (REPO / ".dockerignore").read_text().split()
    for path in [".streamlit/secrets.toml", ".venv", ".git", "data/build", "static/map/build", "build"]:
        assert path in ignored


# ------------------------------------------------------------------ Kubernetes


def manifests() -> dict[str, dict]:
    docs = {}
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            docs[doc["kind"]] = doc
    return docs


def test_every_manifest_is_valid_against_the_kubernetes_schemas_strictly():
    docs = manifests()
    assert set(docs) == {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "HorizontalPodAutoscaler"}
    for doc in docs.values():
        kubernetes_validate.validate(doc, kubernetes_validate.latest_version(), strict=True)


def test_a_misspelt_field_is_refused_so_the_check_above_can_fail():
    deployment = manifests()["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["failureTreshold"] = 2
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, kubernetes_validate.latest_version(), strict=True)


def test_the_pods_are_probed_on_the_readiness_endpoint_run_as_non_root_and_get_every_shared_secret():
    pod = manifests()["Deployment"]["spec"]["template"]["spec"]
    [app] = pod["containers"]
    port_names = {p["name"]: p["containerPort"] for p in app["ports"]}
    assert port_names == {"http": 8501, "health": 9501}  # as the image sets them
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert app[probe]["httpGet"] == {"path": READY_PATH, "port": "health"}, probe
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] != 0
    assert app["securityContext"]["allowPrivilegeEscalation"] is False
    env = {e["name"]: e for e in app["env"]}
    for name in SHARED_SECRETS:
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "clinic-locator", name
    assert env[STATE_DIR_ENV]["value"] in {m["mountPath"] for m in app["volumeMounts"]}


def test_the_service_budget_and_autoscaler_all_point_at_the_deployments_pods():
    docs = manifests()
    deployment = docs["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert docs["Service"]["spec"]["selector"].items() <= labels.items()
    assert docs["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    assert docs["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = docs["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "name": deployment["metadata"]["name"]}
    assert [m["resource"]["name"] for m in hpa["metrics"]] == ["cpu"]
    assert hpa["minReplicas"] >= 2  # the budget lets one go: never the last


def test_the_ingress_keeps_a_browser_on_one_pod_with_a_cookie_and_its_websocket_open():
    ingress = manifests()["Ingress"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/affinity-mode"] == "persistent"
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": manifests()["Service"]["metadata"]["name"], "port": {"name": "http"}}


# ------------------------------------------------------------------ compose


def compose_binary() -> Path:
    # The binary itself: the package's `docker-compose` wrapper drops its exit status.
    return Path(compose.__file__).parent / "docker-compose"


SECRETS_SET = {name: f"test-{name.lower()}" for name in SHARED_SECRETS}


def compose_config(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in SHARED_SECRETS}
    return subprocess.run([str(compose_binary()), "-f", str(COMPOSE), "config", "--format", "json"],
                          capture_output=True, text=True, timeout=120, env={**clean, **env},
                          cwd=REPO)


def test_docker_compose_accepts_the_compose_file_against_the_compose_spec():
    result = compose_config(SECRETS_SET)
    assert result.returncode == 0, result.stderr
    import json

    services = json.loads(result.stdout)["services"]
    replicas = [name for name in services if name != "balancer"]
    assert len(replicas) >= 2
    for name in replicas:
        env = services[name]["environment"]
        assert {k: env[k] for k in SHARED_SECRETS} == SECRETS_SET, "every replica gets the same secrets"
        assert services[name]["build"]["dockerfile"].endswith("deploy/Containerfile")
    assert set(services["balancer"]["depends_on"]) == set(replicas)


def test_compose_refuses_to_start_without_the_secrets():
    for missing in SHARED_SECRETS:
        result = compose_config({k: v for k, v in SECRETS_SET.items() if k != missing})
        assert result.returncode != 0 and missing in result.stderr


# ------------------------------------------------------------------ systemd


def test_systemd_analyze_verify_finds_nothing_in_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze not found: bin/setup --browser installs Debian's systemd"
    # As installed, but pointing at this checkout (its .venv), which verify checks exists.
    for unit in SYSTEMD.iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/clinic-locator", str(REPO)))
    (tmp_path / "clinic-locator@1.service").write_text((tmp_path / "clinic-locator@.service").read_text())
    result = run(analyze, "verify", tmp_path / "clinic-locator@1.service",
                 tmp_path / "clinic-locator-haproxy.service", tmp_path / "clinic-locator.target", cwd=tmp_path)
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stdout + result.stderr


def test_replica_i_serves_on_850i_and_is_checked_on_950i_as_the_balancers_configuration_says():
    unit = (SYSTEMD / "clinic-locator@.service").read_text()
    exec_start = re.search(r"^ExecStart=(.*?)(?<!\\)$", unit, re.M | re.S).group(1).replace("\\\n", " ")
    assert "-m streamlit run app.py" in exec_start
    assert "--server.port 850%i" in exec_start and "--server.address 127.0.0.1" in exec_start
    assert f"Environment={HEALTH_PORT_ENV}=950%i" in unit
    config = recipes.systemd(3)
    for i in (1, 2, 3):
        assert f"server r{i} 127.0.0.1:850{i} check port 950{i} cookie r{i}" in config
    assert re.search(r"^Restart=always$", unit, re.M)
    assert re.search(r"^User=(?!root)\S+$", unit, re.M)


# ------------------------------------------------------------------ the balancer's configurations (serve.recipes)


@pytest.mark.parametrize("recipe", ["systemd", "systemd with TLS", "compose"])
def test_haproxy_accepts_each_recipes_configuration(recipe, tmp_path):
    if recipe == "systemd with TLS":
        cert, key = self_signed(tmp_path)
        pem = tmp_path / "tls.pem"  # HAProxy's crt: the chain and its key in one file
        pem.write_text(cert.read_text() + key.read_text())
        config = recipes.systemd(3, port=443, tls_pem=pem, http_port=80)
    else:
        config = recipes.systemd(3) if recipe == "systemd" else recipes.compose(3)
    path = tmp_path / "haproxy.cfg"
    path.write_text(config)
    haproxy.check(haproxy.haproxy_binary(), path)  # raises with HAProxy's own words
    # The replicas' metrics never through the public port (ADR 14), as under bin/serve.
    assert "http-request deny deny_status 404 if { path,url_dec -m reg -i ^/+\\.?/*metrics(/|$) }" in config


def test_the_compose_balancers_configuration_is_the_templates_for_the_replicas_compose_runs():
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    replicas = sorted(name for name in services if name.startswith("replica"))
    assert (DEPLOY / "compose" / "haproxy.cfg").read_text() == recipes.compose(len(replicas)), \
        "deploy/compose/haproxy.cfg is stale: python -m serve.recipes compose --replicas N > deploy/compose/haproxy.cfg"
    for i, name in enumerate(replicas, 1):
        assert name == f"replica{i}"
