"""The files a province's IT staff install (deploy/) agree with what the application reads."""

import re
import runpy
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = (ROOT / "config" / "settings.py").read_text()
ENV_EXAMPLE = (ROOT / "deploy" / "kiemtra.env.example").read_text()
NGINX = (ROOT / "deploy" / "nginx" / "kiemtra.conf").read_text()
README = (ROOT / "README.md").read_text()


def variables_read_by_settings() -> set[str]:
    return set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', SETTINGS))


def test_settings_read_variables_at_all():
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "DJANGO_SECRET_KEY",
        "AWS_STORAGE_BUCKET_NAME",
    } <= variables_read_by_settings()


def test_the_environment_template_lists_every_variable_the_settings_read():
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", ENV_EXAMPLE, flags=re.MULTILINE))

    assert variables_read_by_settings() - listed == set()


def test_the_readme_settings_table_names_every_variable():
    assert {name for name in variables_read_by_settings() if f"`{name}`" not in README} == set()


def test_the_environment_template_has_no_inline_comments_systemd_would_keep():
    # systemd's EnvironmentFile keeps "# ..." after a value as part of the value.
    assert not [line for line in ENV_EXAMPLE.splitlines() if re.match(r"^#? ?[A-Z0-9_]+=.*\s#", line)]


def test_nginx_accepts_the_largest_upload_and_does_not_compress_pages_again():
    limit = re.search(r"client_max_body_size (\d+)m;", NGINX)
    assert limit and int(limit.group(1)) * 1024 * 1024 > settings.UPLOAD_MAX_BYTES
    assert "gzip off;" in NGINX and "gzip on" not in NGINX


def test_nginx_serves_private_files_only_after_the_app_says_so():
    for location in ("location /_private/files/ {", "location ~ ^/_private/s3/"):
        block = NGINX.split(location, 1)[1].split("}", 1)[0]
        assert "internal;" in block
    assert "/srv/kiemtra/media" not in NGINX.replace("alias /srv/kiemtra/media/;", "")
    assert "proxy_set_header X-Real-IP $remote_addr;" in NGINX


def test_gunicorn_config_sizes_workers_from_cores_and_trusts_only_the_proxy(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))

    import multiprocessing

    assert config["workers"] == 2 * multiprocessing.cpu_count() + 1
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"
    assert config["timeout"] > 0 and config["graceful_timeout"] > 0 and config["max_requests"] > 0


def test_systemd_units_start_what_the_repository_has():
    units = {p.name: p.read_text() for p in (ROOT / "deploy" / "systemd").glob("*.service")}

    assert set(units) == {"kiemtra-web.service", "kiemtra-worker.service", "kiemtra-beat.service"}
    assert "-c deploy/gunicorn.conf.py config.wsgi" in units["kiemtra-web.service"]
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in units["kiemtra-web.service"]
    for text in units.values():
        assert "EnvironmentFile=/etc/kiemtra/kiemtra.env" in text
    assert (ROOT / "deploy" / "gunicorn.conf.py").exists()


def test_gunicorn_writes_no_control_socket_in_the_service_users_home():
    assert runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["control_socket_disable"] is True
