"""The developer tools stay out of production: not installed there, imported by no production
module, and the demo refuses to load into a production configuration even where installed."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from units.models import Unit, User

PRODUCTION_PACKAGES = ["config", "core", "units", "inspections", "findings", "reports"]


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEVTOOLS"}
    return env | {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "production-like-" + "k" * 50} | extra


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_no_production_module_imports_the_devtools():
    offenders = []
    for package in PRODUCTION_PACKAGES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "tests" in path.parts:
                continue
            if any(name == "devtools" or name.startswith("devtools.") for name in imported_modules(path)):
                offenders.append(str(path.relative_to(settings.BASE_DIR)))
    assert offenders == []


def test_production_settings_run_without_the_devtools():
    env = production_env()

    check = manage("check", env=env)
    assert check.returncode == 0, check.stderr

    demo = manage("load_demo", env=env)
    assert demo.returncode != 0
    assert "Unknown command: 'load_demo'" in demo.stderr


def test_the_flag_installs_the_devtools_in_a_production_configuration():
    listed = manage("help", "--commands", env=production_env(DJANGO_DEVTOOLS="1"))

    assert listed.returncode == 0, listed.stderr
    assert {"bench", "bench_reports", "demo_accounts", "generate_national", "load_demo"} <= set(
        listed.stdout.split()
    )


@pytest.mark.django_db
def test_load_demo_refuses_a_production_configuration(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DJANGO_DEBUG=0"):
        call_command("load_demo")

    assert not Unit.objects.exists()
    assert not User.objects.exists()
