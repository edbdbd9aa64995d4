"""gunicorn for `make serve` and deployments: `gunicorn -c nlb/gunicorn.conf.py nlb.wsgi`.

Bounded: WEB_WORKERS processes x WEB_THREADS threads serve at most that many requests at once;
others wait in the listen backlog (BACKLOG) rather than each taking a thread and a database
connection. Each process's connection pool is sized to its threads (nlb/settings/production.py).
Defaults suit a small machine: workers = CPU cores + 1 (charts and analysis are CPU-bound, so
more processes than cores only queue), 4 threads each for the time spent waiting on PostgreSQL.
"""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", (os.cpu_count() or 1) + 1))
threads = int(os.environ.get("WEB_THREADS", "4"))
worker_class = "gthread"
backlog = int(os.environ.get("BACKLOG", "256"))
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))  # a request taking longer is killed (logged)
graceful_timeout = 30
keepalive = 5
# Recycle a process now and then so a slow leak (matplotlib, caches) cannot grow without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
preload_app = True  # import once, fork after: less memory; no database connection is opened here
accesslog = None  # the app writes one line per request with its request id (apps.operations)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
control_socket_disable = True  # no runtime control socket (one shared path per user otherwise)


def when_ready(server) -> None:
    """In the master, after the app is loaded and before the workers are forked: import and
    compile what every process needs (nlb/preload.py), once, shared copy-on-write."""
    if server.cfg.preload_app:
        from nlb.preload import preload

        preload()


def post_worker_init(worker) -> None:
    """In each new worker, before its first request: load the daily pages' results that are
    already in the shared cache into this process (computing nothing), so the first people it
    serves do not wait for them to be read and unpickled (0.1-0.5 s each on a busy machine)."""
    if not worker.cfg.preload_app:
        return
    from django.db import connections

    from apps.core.bootstrap import warm_caches
    from apps.core.memo import cached_only

    try:
        with cached_only():
            warm_caches(lambda line: None)
    except Exception:  # noqa: BLE001 - a worker that could not preload still serves
        worker.log.exception("loading the shared cache failed; continuing without it")
    finally:
        connections.close_all()  # this thread's connection back to the pool
