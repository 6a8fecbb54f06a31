"""The web process of the Procfile: gunicorn with uvicorn workers, serving HTTP and websockets
from itsm.asgi:application. Chosen over daphne by the figures in docs/benchmarks.md ("Web
server"): 7-22% less server CPU per request with one process, the same websocket behaviour.

    gunicorn -c python:itsm.webserver itsm.asgi:application

HOST and PORT say where to listen. WEB_CONCURRENCY sets the number of worker processes;
by default one per core with REDIS_URL, and exactly one without it, because the in-memory
channel layer of the embedded default reaches only the websockets of its own process.
"""

import logging
import os
import re

from uvicorn_worker import UvicornWorker

from itsm.observability import logging_config

# Where the dashboard's websocket carries its JWT: never written to a log.
_QUERY_TOKEN = re.compile(r"(token=)[^&\s\"']+")


class RedactQueryToken(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "token=" in message:
            record.msg, record.args = _QUERY_TOKEN.sub(r"\1[redacted]", message), ()
        return True


class Worker(UvicornWorker):
    CONFIG_KWARGS = {
        "loop": "auto",
        "http": "auto",
        "ws": "websockets-sansio",
        # The ASGI router has no lifespan scope; Django needs no startup hook.
        "lifespan": "off",
        # Client addresses behind proxies are the application's business (TRUSTED_PROXY_COUNT),
        # so that one setting decides for throttling, lockout and logs alike.
        "proxy_headers": False,
        "server_header": False,
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("uvicorn.error", "uvicorn.access"):
            logging.getLogger(name).addFilter(RedactQueryToken())


def _workers() -> int:
    if configured := os.environ.get("WEB_CONCURRENCY"):
        return int(configured)
    return (os.cpu_count() or 1) if os.environ.get("REDIS_URL") else 1


bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]
workers = _workers()
worker_class = "itsm.webserver.Worker"
# gunicorn 27's control socket would be a file under $HOME; nothing here uses it.
control_socket_disable = True
# A worker silent this long is restarted; requests are bounded far below it (HTTP_CONCURRENCY).
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None


def _logging() -> dict:
    """The application's LOGGING (LOG_FORMAT, LOG_LEVEL) for gunicorn's own loggers too; the
    uvicorn workers log through gunicorn's handlers, so one format covers every line."""
    level = os.environ.get("LOG_LEVEL", "INFO").upper()
    config = logging_config(level=level, log_format=os.environ.get("LOG_FORMAT", "text").lower())
    for name in ("gunicorn.error", "gunicorn.access"):
        config["loggers"][name] = {"handlers": ["console"], "level": level, "propagate": False}
    return config


logconfig_dict = _logging()


def child_exit(server, worker) -> None:
    """A web worker ended: its live gauges (open websockets) leave the multiprocess sum."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess  # reads the directory when imported

        multiprocess.mark_process_dead(worker.pid)
