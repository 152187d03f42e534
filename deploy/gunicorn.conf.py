"""gunicorn for one web node: `gunicorn -c deploy/gunicorn.conf.py config.wsgi`.

Every value can be changed from the environment (deploy/kiemtra.env.example). Behind nginx, which
buffers slow clients' uploads and downloads, plain sync workers are the right kind: a worker is
busy only while Django runs, never while a phone on 3G trickles bytes.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


# Loopback by default: only nginx on the same machine reaches the node. A node on its own machine
# binds its private address (e.g. 10.0.0.21:8000), never a public one.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# 2 per core + 1: a worker waits on PostgreSQL about half of a request's time.
workers = _int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# A request still running after this long is killed (the slowest page, an import, takes a few
# seconds; reports are built by the Celery worker, not here).
timeout = _int("GUNICORN_TIMEOUT", 60)
# On SIGHUP (systemctl reload) or SIGTERM, workers finish the request in hand first.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# A worker is replaced after about this many requests: document libraries hold on to memory.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10
# The heartbeat file of each worker in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Code is loaded in each worker, so `systemctl reload` (SIGHUP) picks up a new release.
preload_app = False

# X-Forwarded-Proto (and the client's address in the access log) are believed only from nginx.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# systemd drives the node (reload = SIGHUP), so no control socket: it would be written in the
# service user's home, which the unit makes read-only, and two nodes on one machine would share it.
control_socket_disable = True

proc_name = "kiemtra-web"
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client as nginx saw it, the request, status, bytes and the time Django took in milliseconds.
access_log_format = '%({x-real-ip}i)s %(t)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
