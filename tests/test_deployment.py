"""What an operator deploys: every setting documented, the deployment files naming only real settings, the balancer's
configuration valid, and `basegun migrate` preparing an empty database."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml

from basegun.settings import REPO_ROOT, Settings
from tests.postgres import PostgresServer

DEPLOY = REPO_ROOT / "deploy"
SETTINGS_TABLE = REPO_ROOT / "docs" / "settings.md"
ROW = re.compile(r"^\| `(BASEGUN_[A-Z0-9_]+)` \|", re.MULTILINE)
NAME = re.compile(r"\bBASEGUN_[A-Z0-9_]+\b")


def setting_names() -> set[str]:
    return {f"BASEGUN_{name.upper()}" for name in Settings.model_fields}


def test_settings_table_lists_every_setting_once() -> None:
    rows = ROW.findall(SETTINGS_TABLE.read_text(encoding="utf-8"))
    assert len(rows) == len(set(rows)), "a setting has two rows"
    assert set(rows) - setting_names() == set(), "rows for settings that do not exist"
    assert setting_names() - set(rows) == set(), "settings missing from docs/settings.md"


def deployment_documents() -> list[dict]:
    documents = [yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))]
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        documents += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return documents


def test_deployment_files_name_only_real_settings() -> None:
    used = set()
    for document in deployment_documents():
        used |= set(NAME.findall(yaml.safe_dump(document)))
    assert "BASEGUN_OBJECT_STORE_URL" in used
    assert "BASEGUN_EMBEDDED_WORKER" in used
    assert used - setting_names() == set(), "deploy/ sets names that Basegun does not read"
    balancer = set(NAME.findall((DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")))  # its own are BALANCER_*
    assert balancer - setting_names() == set()


def test_kubernetes_probes_use_liveness_and_readiness() -> None:
    deployments = {doc["metadata"]["name"]: doc for doc in deployment_documents() if doc.get("kind") == "Deployment"}
    api = deployments["basegun-api"]["spec"]["template"]["spec"]["containers"][0]
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    worker = deployments["basegun-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"][:2] == ["basegun", "worker"]
    assert worker["image"] == api["image"]
    for container in (api, worker):
        assert {"secretRef": {"name": "basegun-credentials"}} in container["envFrom"]
        assert container["resources"]["limits"]["memory"]


def test_balancer_configuration_is_valid() -> None:
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(haproxy).is_file():
        pytest.fail("HAProxy is not installed: make system-deps")
    env = {**os.environ, "BALANCER_API1": "127.0.0.1:1", "BALANCER_API2": "127.0.0.1:2"}
    checked = subprocess.run(
        [haproxy, "-c", "-f", str(DEPLOY / "haproxy.cfg")], env=env, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr


def test_migrate_prepares_an_empty_database(postgres: PostgresServer, tmp_path: Path) -> None:
    url = postgres.new_database()
    env = {**os.environ, "BASEGUN_DATABASE_URL": url, "BASEGUN_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "cli", "migrate"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "database migrated" in done.stdout
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(sa.text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    again = subprocess.run(
        [sys.executable, "-m", "cli", "migrate"], env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert again.returncode == 0, again.stderr  # idempotent: a Job run twice does no harm
