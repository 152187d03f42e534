"""JSON lines for the application's logs (one object a line: easy to ship, grep and keep).

Used by LOGGING in settings: in files under LOG_DIR (rotated daily) and, with LOG_FORMAT=json,
on stdout. Extra fields given with ``logger.info(..., extra={...})`` are kept.
"""

import json
import logging
from datetime import UTC, datetime

# Attributes every LogRecord has: anything else was passed in ``extra``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {key: value for key, value in vars(record).items() if key not in _STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
