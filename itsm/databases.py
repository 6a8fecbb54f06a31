"""The database settings, from DATABASE_URL (a SQLite file by default)."""

import hashlib
import os
import stat
import tempfile
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

MEMORY_DIR = Path("/dev/shm")  # noqa: S108 - used only as a private directory (_private_dir)


def database_settings(env: environ.Env, base_dir: Path) -> dict:
    """settings.DATABASES["default"]."""
    # An empty DATABASE_URL (a blank line in .env) means the default, as if unset.
    url = env.str("DATABASE_URL", default="") or f"sqlite:///{base_dir / 'db.sqlite3'}"
    database = environ.Env.db_url_config(url)
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions take SQLite's write lock at BEGIN, so concurrent writers queue
        # (up to the timeout) instead of failing half-way with "database is locked".
        database.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
        return database
    options = database.setdefault("OPTIONS", {})
    # Server-side parameters let PostgreSQL keep a statement run twice on a connection
    # prepared, so the hot statements skip parsing and planning (about a third of its CPU per
    # ticket). Behind a transaction-pooling pgbouncer, set DATABASE_PREPARE_THRESHOLD=0.
    prepare_threshold = env.int("DATABASE_PREPARE_THRESHOLD", default=2)
    options.setdefault("server_side_binding", True)
    options.setdefault("prepare_threshold", prepare_threshold or None)
    database.setdefault("CONN_HEALTH_CHECKS", True)
    if env.bool("DATABASE_POOL", default=True):
        # A connection pool per process (psycopg_pool). A server process runs sync code in
        # many threads (its requests' kept threads, the websockets' and the deliverer's), and
        # per-thread persistent connections (CONN_MAX_AGE) would each hold a session; pooled
        # connections go back to the pool at request end and the requests beyond max_size
        # wait their turn (up to the timeout).
        database["CONN_MAX_AGE"] = 0
        options.setdefault(
            "pool",
            {
                "min_size": env.int("DATABASE_POOL_MIN", default=2),
                "max_size": env.int("DATABASE_POOL_MAX", default=10),
                "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
            },
        )
    else:
        # One persistent connection per thread (a worker process running one task at a time),
        # checked before reuse.
        database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
    return database


def without_pools(databases: dict, env: environ.Env) -> None:
    """In a Celery worker (itsm.celery, before any connection opens): one persistent
    connection per task thread instead of a pool, unless WORKER_DATABASE_POOL is true. The
    pool is for the web server, whose requests run in threads that come and go; a worker's
    threads stay, and a prefork child then holds one PostgreSQL session instead of the pool's
    two or more and its maintenance threads. Delivery speed is the same either way within the
    benchmark's noise (docs/benchmarks.md, "Flags told in batches")."""
    if env.bool("WORKER_DATABASE_POOL", default=False):
        return
    for database in databases.values():
        if database.get("OPTIONS", {}).pop("pool", None) is not None:
            database["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)


def embedded_cache(env: environ.Env, database: dict) -> dict:
    """settings.CACHES["default"] without Redis: files in one directory per database, shared
    by the processes of one installation (the server, its delivery process, beat, several
    server workers), so what one caches or invalidates (the dashboard's KPI snapshots, the
    triage's model tokens, the API throttle) the others see. Per-process memory would leave
    each with its own idea. In shared memory (/dev/shm) where the system has it: the throttle
    reads and writes its file on every API call, and on a disk that cost 0.16-0.22 ms of CPU
    a call against 0.06 in memory (docs/benchmarks.md); a cache may vanish at a reboot."""
    location = env.str("CACHE_DIR", default="")
    name = f"itsm-cache-{_digest(database)}"
    if not location and _private_dir(MEMORY_DIR / name):
        location = str(MEMORY_DIR / name)
    if not location and database["ENGINE"] == "django.db.backends.sqlite3":
        location = f"{database['NAME']}-cache"
    if not location and _private_dir(Path(tempfile.gettempdir()) / name):
        location = str(Path(tempfile.gettempdir()) / name)
    if not location:
        raise ImproperlyConfigured("No private directory for the cache: set CACHE_DIR")
    return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": location}


def _digest(database: dict) -> str:
    """One cache per database: two installations on one machine never share one."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        where = str(Path(database["NAME"]).resolve())
    else:
        where = f"{database.get('HOST')}:{database.get('PORT')}/{database.get('NAME')}"
    return hashlib.sha256(where.encode()).hexdigest()[:16]


def _private_dir(path: Path) -> bool:
    """Whether ``path`` is (or now is) a directory of this user's that nobody else can read or
    write: under a shared directory such as /dev/shm or /tmp a name can be taken first by
    another local user, and the cache's files are unpickled."""
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        status = path.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(status.st_mode)
        and status.st_uid == os.getuid()
        and not status.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )
