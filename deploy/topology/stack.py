"""Many machines on one: nginx in front of gunicorn web nodes, Celery workers and beat, Redis, an
S3-compatible server (moto) and a PostgreSQL database, all on the loopback, all stopped at the end.

Used by deploy/topology/journey.py (the failure journey, CI) and deploy/topology/load.py
(`make bench-load`). The nginx site is deploy/nginx/kiemtra.conf itself, with only its
placeholders (ports, paths, certificate) replaced, and TLS on with a throwaway certificate.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
BUCKET = "kiemtra-topology"


def log(message: str) -> None:
    print(f"[topology {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for(what: str, check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.25)
    raise TimeoutError(f"{what} did not come up within {timeout:.0f} s")


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen
    port: int | None = None

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Stack:
    """Start with ``with Stack(...) as stack:``; everything started is stopped on exit."""

    nodes: int = 2
    workers: int = 2
    web_workers: int | None = 2  # None: gunicorn.conf.py's default, 2 x cores + 1
    port_base: int = int(os.environ.get("TOPOLOGY_PORT_BASE", "18400"))
    database_server: str = os.environ.get("TOPOLOGY_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    database_prefix: str = os.environ.get("TOPOLOGY_DATABASE_PREFIX", "kiemtra_topology")
    procs: list[Proc] = field(default_factory=list)

    def __post_init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="kiemtra-topology-"))
        self.database = f"{self.database_prefix}_{os.getpid()}"
        self.nginx_port = self.port_base + 43
        self.redis_port = self.port_base + 79
        self.s3_port = self.port_base + 90
        self.node_ports = [self.port_base + 1 + i for i in range(self.nodes)]
        self.url = f"https://127.0.0.1:{self.nginx_port}"
        self.ca = self.dir / "cert.pem"
        self.secret = secrets.token_urlsafe(64)
        self._created_database = False

    # The environment of every process, as /etc/kiemtra/kiemtra.env would give it.
    def env(self, **extra) -> dict:
        keep = {
            k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AWS_", "REDIS_", "CACHE_"))
        }
        keep.pop("DATABASE_URL", None)
        return keep | {
            "DJANGO_DEBUG": "0",
            "DJANGO_DEVTOOLS": "0",
            "DJANGO_SECRET_KEY": self.secret,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_BEHIND_PROXY": "1",
            "SITE_URL": self.url,
            "DATABASE_URL": f"{self.database_server}/{self.database}",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": "topology",
            "AWS_SECRET_ACCESS_KEY": "topology",
            "PRIVATE_FILES_ACCEL_PREFIX": "/_private/",
            "MEDIA_ROOT": str(self.dir / "media"),
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "DJANGO_LOG_LEVEL": "WARNING",
            **extra,
        }

    def spawn(self, name: str, argv: list[str], *, port: int | None = None, **env) -> Proc:
        out = (self.dir / f"{name}.log").open("ab")
        popen = subprocess.Popen(  # noqa: S603  our own programs, fixed arguments
            argv, cwd=ROOT, env=self.env(**env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc = Proc(name, popen, port)
        self.procs.append(proc)
        return proc

    def manage(self, *args: str, **env) -> str:
        result = subprocess.run(  # noqa: S603
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            # Longer on a machine shared with other builds (load_demo took over 120 s there).
            timeout=float(os.environ.get("TOPOLOGY_MANAGE_TIMEOUT", "120")),
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def psql(self, sql: str) -> None:
        subprocess.run(  # noqa: S603
            ["psql", f"{self.database_server}/postgres", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql],  # noqa: S607
            check=True,
            capture_output=True,
            env={**os.environ, "PGOPTIONS": "-c client_min_messages=warning"},
            timeout=60,
        )

    # --- Starting ---------------------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        began = time.monotonic()
        ports = [self.nginx_port, self.redis_port, self.s3_port, *self.node_ports]
        if busy := [p for p in ports if not port_free(p)]:
            raise RuntimeError(f"ports in use: {busy} (set TOPOLOGY_PORT_BASE)")
        (self.dir / "media").mkdir()
        log(f"work folder {self.dir}; database {self.database}")
        # Static files are collected while the database is prepared (both take ~20 s).
        collect = self.spawn(
            "collectstatic", [str(VENV_BIN / "python"), "manage.py", "collectstatic", "--no-input"]
        )
        self.spawn(
            "redis",
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.redis_port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            port=self.redis_port,
        )
        self.spawn(
            "s3",
            [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.s3_port)],
            port=self.s3_port,
        )
        self.psql(f"CREATE DATABASE {self.database}")
        self._created_database = True
        wait_for("redis", lambda: not port_free(self.redis_port), 20)
        wait_for("moto_server", lambda: not port_free(self.s3_port), 30)
        self.s3_client().create_bucket(Bucket=BUCKET)
        self.manage("migrate", "--no-input", "-v", "0")
        # Demo accounts and a visit in progress; load_demo is a development tool, so it runs with
        # DEBUG on, against the same database and bucket.
        self.manage("load_demo", DJANGO_DEBUG="1", DJANGO_DEVTOOLS="1")
        if collect.popen.wait(timeout=120):
            raise RuntimeError("collectstatic failed: see " + str(self.dir / "collectstatic.log"))
        self.procs.remove(collect)
        for i, port in enumerate(self.node_ports, start=1):
            self.start_node(i, port)
        for i in range(1, self.workers + 1):
            self.start_worker(i)
        self.spawn(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel=WARNING",
                f"--schedule={self.dir / 'beat'}",
            ],
        )
        self.write_nginx()
        self.spawn(
            "nginx",
            ["nginx", "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"), "-g", "daemon off;"],
            port=self.nginx_port,
        )
        for port in self.node_ports:
            wait_for(f"web node :{port}", lambda port=port: self.ready(f"http://127.0.0.1:{port}"), 60)
        wait_for("nginx", lambda: self.ready(self.url), 20)
        log(f"stack up in {time.monotonic() - began:.0f} s: nginx {self.url}, nodes {self.node_ports}")

    def start_node(self, i: int, port: int) -> Proc:
        return self.spawn(
            f"web{i}",
            [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            port=port,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            **({"GUNICORN_WORKERS": str(self.web_workers)} if self.web_workers else {}),
            GUNICORN_ACCESS_LOG=str(self.dir / f"web{i}-access.log"),
        )

    def start_worker(self, i: int) -> Proc:
        return self.spawn(
            f"worker{i}",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                "--concurrency=1",
                f"--hostname=worker{i}@topology",
            ],
        )

    def ready(self, base: str) -> bool:
        import requests

        response = requests.get(f"{base}/readyz", verify=str(self.ca), timeout=3)
        return response.status_code == 200

    def s3_client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            region_name="us-east-1",
            aws_access_key_id="topology",
            aws_secret_access_key="topology",  # noqa: S106  moto's throwaway server
        )

    def write_nginx(self) -> None:
        subprocess.run(  # noqa: S603
            [  # noqa: S607
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(self.dir / "key.pem"),
                "-out",
                str(self.ca),
            ],
            check=True,
            capture_output=True,
        )
        (self.dir / "site.conf").write_text(self.site_conf())
        user = "user root;\n" if os.geteuid() == 0 else ""
        temp = "".join(
            f"    {kind}_temp_path {self.dir / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (self.dir / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.dir / 'nginx.pid'};\n"
            f"error_log {self.dir / 'nginx-error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
            f"    access_log {self.dir / 'nginx-access.log'};\n{temp}    sendfile on;\n"
            f"    include {self.dir / 'site.conf'};\n}}\n"
        )

    def site_conf(self) -> str:
        """deploy/nginx/kiemtra.conf with its placeholders replaced; fails if one is not found."""
        text = (ROOT / "deploy" / "nginx" / "kiemtra.conf").read_text()
        upstream = "".join(
            f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in self.node_ports
        )
        replacements = [
            (r"upstream kiemtra_web \{\n.*?\n\}", f"upstream kiemtra_web {{\n{upstream}}}"),
            # The plain-HTTP server only redirects: not needed on the loopback.
            (r"server \{\n    listen 80;.*?\n\}\n", ""),
            (r"    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{self.nginx_port} ssl http2;\n"),
            (r"    listen \[::\]:443 ssl http2;\n", ""),
            (r"server_name kiemtra\.example\.vn;", "server_name 127.0.0.1;"),
            (r"/etc/ssl/kiemtra/fullchain\.pem", str(self.ca)),
            (r"/etc/ssl/kiemtra/privkey\.pem", str(self.dir / "key.pem")),
            (r"/srv/kiemtra/app/staticfiles/", f"{ROOT / 'staticfiles'}/"),
            (r"/srv/kiemtra/media/", f"{self.dir / 'media'}/"),
            # Which node answered, so the journey can tell (a test-only header).
            (r"(    location / \{\n)", r"\1        add_header X-Upstream $upstream_addr always;\n"),
        ]
        for pattern, replacement in replacements:
            text, count = re.subn(pattern, replacement, text, count=1, flags=re.DOTALL)
            if count != 1:
                raise RuntimeError(f"deploy/nginx/kiemtra.conf no longer has {pattern!r}")
        return text

    # --- Failures ---------------------------------------------------------------------------------

    def kill(self, name: str) -> None:
        """kill -9 a whole process group (a gunicorn arbiter and its workers): a machine dying."""
        proc = next(p for p in self.procs if p.name == name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.popen.pid, signal.SIGKILL)
        proc.popen.wait(timeout=10)
        log(f"killed {name} (kill -9)")

    def node_name(self, upstream_addr: str) -> str:
        port = int(upstream_addr.rsplit(":", 1)[-1])
        return f"web{self.node_ports.index(port) + 1}"

    # --- Stopping ---------------------------------------------------------------------------------

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in reversed(self.procs):
            try:
                proc.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGKILL)
                proc.popen.wait(timeout=5)
        self.procs.clear()
        if self._created_database:
            with contextlib.suppress(Exception):
                self.psql(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
        if os.environ.get("TOPOLOGY_KEEP_LOGS"):
            log(f"logs kept in {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def tail_logs(self, lines: int = 30) -> None:
        for path in sorted(self.dir.glob("*.log")):
            content = path.read_text(errors="replace").splitlines()[-lines:]
            if content:
                print(f"--- {path.name}", *content, sep="\n", file=sys.stderr)
