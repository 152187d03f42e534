"""The embedded default's worker: with DJANGO_TASKS=files (what `make run` sets) the web process
puts tasks in files under DJANGO_TASKS_DIR and a real Celery worker process takes them; no Redis.

Two processes of our settings, as `make run` starts them: a worker, and a client that publishes
a task and waits for its answer. The suite's eager tasks do not apply to these processes.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.celery_worker

CLIENT = """
import django
django.setup()
from config.celery import app
assert app.conf.broker_url == "filesystem://", app.conf.broker_url
assert not app.conf.task_always_eager
print(app.send_task("core.tasks.ping", args=["xin chào"]).get(timeout=60))
"""


def test_a_worker_process_takes_a_task_from_the_filesystem_broker_and_answers(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_TASKS": "files",
        "DJANGO_TASKS_DIR": str(tmp_path / "broker"),
        # The answer comes back through files too (the settings' django-db backend would need
        # the test database, which lives in this process's memory).
        "CELERY_RESULT_BACKEND": f"file://{tmp_path / 'results'}",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop("REDIS_URL", None)
    (tmp_path / "results").mkdir()
    celery = Path(sys.executable).with_name("celery")
    worker = subprocess.Popen(  # noqa: S603  (our own celery, fixed arguments)
        [
            str(celery),
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        client = subprocess.run(  # noqa: S603  (our own python, fixed arguments)
            [sys.executable, "-c", CLIENT],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            log, _ = worker.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            log, _ = worker.communicate()
    assert client.returncode == 0, client.stderr + log
    assert client.stdout.strip() == "xin chào"
    assert "core.tasks.ping" in log and "succeeded" in log
    assert (tmp_path / "broker" / "queue").is_dir()
