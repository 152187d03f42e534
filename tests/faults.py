"""Helpers of the fault tests: a Redis server of their own (loopback, another port, no disk), a real
Celery worker in a process of its own that a test can kill, and this process's broker pointed at
that Redis. Everything is bounded in time and stopped by the fixture that started it.

The worker process opens the test database itself, so these tests need PostgreSQL (the SQLite
test database lives in this process's memory); they skip elsewhere, saying why.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent


def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the worker process cannot open the in-memory SQLite test database")


def require_redis_server() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("needs the redis-server binary (installed by .ci/run)")
    return binary


def free_port() -> int:
    """A port nobody listens on, chosen by the kernel: two test runs side by side (CI runs the
    suite on both databases at once) never pick the same one, as a scan from a fixed start could."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, *, timeout: float, step: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"{what} not reached within {timeout} s")


class RedisServer:
    """redis-server on 127.0.0.1:<port>, nothing saved to disk; start() and stop() at will."""

    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir = port, workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603  fixed argv of our own binaries
            [
                require_redis_server(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what="redis-server answering")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


@contextmanager
def broker(url: str):
    """Point this process's Celery app (the web side of the test) at ``url``, then back."""
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        app._pool = None
        app.amqp._producer_pool = None


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class Worker:
    """``celery -A config worker`` in a process of its own, on the test database, with the e-mail
    written to files in ``mail_dir`` (tests/fault_settings.py). ``build_delay`` makes every
    document builder sleep that long first, so that a test can catch a report being built."""

    def __init__(
        self,
        *,
        broker_url: str,
        media: Path,
        mail_dir: Path,
        log: Path,
        name: str,
        build_delay: float = 0,
        pool: str = "solo",
        concurrency: int = 1,
    ):
        self.log = log
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.fault_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "MEDIA_ROOT": str(media),
            "FAULT_MAIL_DIR": str(mail_dir),
            "FAULT_BUILD_DELAY": str(build_delay),
            "REPORT_HEARTBEAT_SECONDS": str(settings.REPORT_HEARTBEAT_SECONDS),
            "REPORT_STALE_SECONDS": str(settings.REPORT_STALE_SECONDS),
            "DATABASE_CONN_MAX_AGE": "0",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("CELERY_BROKER_URL", None)
        env.pop("CELERY_RESULT_BACKEND", None)
        self._handle = open(log, "ab")  # noqa: SIM115  closed in stop()
        self.process = subprocess.Popen(  # noqa: S603  fixed argv of our own binaries
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                f"--pool={pool}",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-n",
                f"{name}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(self._ready, timeout=60, what=f"worker {name} ready")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited: {self.log.read_text()[-3000:]}")
        return " ready." in self.log.read_text(errors="replace")

    def kill(self):
        """kill -9 of the whole worker (its process group: the pool's children too)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._handle.close()

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if not self._handle.closed:
            self._handle.close()
