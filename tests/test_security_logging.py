"""Logs: JSON lines in rotated files under LOG_DIR; stdout as before when it is unset."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

from core.logging import JsonFormatter

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = (
    "import logging; from django.conf import settings; "
    "logging.getLogger('security').info('security event %s', 'login', extra={'user': 'canbo', 'ip': '203.0.113.7'}); "
    "logging.getLogger('reports').warning('Báo cáo chậm'); "
    "print([type(h).__name__ for h in logging.getLogger().handlers])"
)


def _shell(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("LOG_DIR", "LOG_FORMAT")}
    environment.update(env, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run(  # noqa: S603  our own manage.py
        [sys.executable, "manage.py", "shell", "-c", SCRIPT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def test_with_log_dir_logs_are_json_lines_in_rotated_files(tmp_path):
    logs = tmp_path / "logs"

    result = _shell(tmp_path, LOG_DIR=str(logs))

    assert "TimedRotatingFileHandler" in result.stdout
    lines = [json.loads(line) for line in (logs / "kiemtra.log").read_text(encoding="utf-8").splitlines()]
    assert {"logger": "reports", "level": "WARNING", "message": "Báo cáo chậm"}.items() <= lines[-1].items()
    [security] = [
        json.loads(line) for line in (logs / "security.log").read_text(encoding="utf-8").splitlines()
    ]
    assert security["message"] == "security event login"
    assert (security["user"], security["ip"]) == ("canbo", "203.0.113.7")
    assert security["time"].endswith("+00:00")


def test_without_log_dir_logs_go_to_stdout_as_plain_text(tmp_path):
    result = _shell(tmp_path)
    assert "TimedRotatingFileHandler" not in result.stdout
    assert "WARNING reports Báo cáo chậm" in result.stderr
    assert not list(tmp_path.glob("*.log"))


def test_json_lines_keep_extra_fields_and_exceptions():
    try:
        raise ValueError("hỏng")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "lỗi %s", ("A",), sys.exc_info())
    record.visit = 12
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "lỗi A"
    assert entry["visit"] == 12
    assert "ValueError: hỏng" in entry["exception"]
