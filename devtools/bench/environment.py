"""Where the bench runs: a throwaway database like the test runner's, and the machine's description."""

import os
import platform
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import django
from django.db import connection
from django.test.utils import (
    setup_databases,
    setup_test_environment,
    teardown_databases,
    teardown_test_environment,
)
from django.utils import timezone


@contextmanager
def throwaway_database(verbosity: int = 0) -> Iterator[str]:
    """A fresh, migrated database like the test runner's, destroyed on exit.

    SQLite: a file in a temporary directory (a file, not memory, to time what production does).
    PostgreSQL and others: the server's ``bench_<name>`` database, so that neither the
    developer's database nor pytest's ``test_<name>`` is touched.
    """
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        test_settings = connection.settings_dict.setdefault("TEST", {})
        saved = dict(test_settings)
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(Path(tmp) / "bench.sqlite3")
        else:
            test_settings["NAME"] = f"bench_{connection.settings_dict['NAME']}"
        setup_test_environment(debug=False)
        try:
            old_config = setup_databases(verbosity=verbosity, interactive=False, aliases={"default"})
            try:
                yield connection.settings_dict["NAME"]
            finally:
                teardown_databases(old_config, verbosity=verbosity)
        finally:
            teardown_test_environment()
            test_settings.clear()
            test_settings.update(saved)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, str]:
    try:
        db_version = ".".join(str(part) for part in connection.get_database_version())
    except Exception:  # the version is a nicety; the report is still useful without it
        db_version = ""
    return {
        "date": timezone.localtime().strftime("%Y-%m-%d %H:%M %Z"),
        "platform": platform.platform(),
        "CPU": _cpu_model(),
        "cores": str(os.cpu_count()),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "database": f"{connection.display_name} {db_version}".strip(),
    }
