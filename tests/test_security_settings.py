"""Production settings refuse to start on the public development secret key."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "kiemtra.example.vn",
    "EMAIL_HOST": "smtp.example.vn",
}


def _check_deploy(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION, **extra)
    # Checks connect to the database: a fresh SQLite file where no DATABASE_URL is given.
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_with_the_development_key_refuses_to_start(tmp_path):
    result = _check_deploy(tmp_path, DJANGO_SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_with_its_own_key_starts(tmp_path):
    result = _check_deploy(tmp_path, DJANGO_SECRET_KEY="a-real-secret-" + "x7Qp" * 16)
    assert "ImproperlyConfigured" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_forces_https_hsts_and_secure_cookies(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(PRODUCTION, DJANGO_SECRET_KEY="a-real-secret-" + "x7Qp" * 16)
    env.setdefault("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    names = (
        "SECURE_SSL_REDIRECT SECURE_HSTS_SECONDS SECURE_HSTS_INCLUDE_SUBDOMAINS SESSION_COOKIE_SECURE "
        "CSRF_COOKIE_SECURE SESSION_COOKIE_HTTPONLY SECURE_CONTENT_TYPE_NOSNIFF X_FRAME_OPTIONS"
    ).split()
    script = "from django.conf import settings; print(" + ", ".join(f"settings.{n}" for n in names) + ")"
    result = subprocess.run(  # noqa: S603  our own manage.py
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True", "True", "True", "DENY"]
