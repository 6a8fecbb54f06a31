"""Test settings: the project settings from the same environment, plus what makes tests fast.

DATABASE_URL and REDIS_URL still choose the backends, so CI runs this suite on SQLite and on
PostgreSQL + Redis."""

import os
import tempfile

# Tests need a secret but must not need DEBUG on (the suite checks production behaviour too).
os.environ.setdefault("SECRET_KEY", "test-secret-key-only-for-the-test-suite-0123456789abcdef")
# The developer's .env (written by `make run`) reaches neither the suite nor its subprocesses.
os.environ["ENV_FILE"] = ""


def _redis_of_this_worker(url: str, worker: str) -> str:
    """Under pytest-xdist each worker uses a Redis database of its own (the URL's plus the
    worker's number): the suite clears its cache around every test, and a shared database
    would lose the other worker's cache, channel groups and broker messages. Set in the
    environment, so the servers and workers the tests start use it too."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    database = base + int(worker.removeprefix("gw"))
    if database >= 15:  # 15 is tests/dashboard/test_scale_out.py's
        raise RuntimeError(f"Redis database {database} for xdist worker {worker}: use fewer")
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, parts.fragment))


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["REDIS_URL"] = _redis_of_this_worker(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from itsm.settings import *  # noqa: E402, F403
from itsm.settings import DATABASES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Found on request, not listed up front: without this each test client's first request builds
# WhiteNoise's list of every static file (hundreds of stat calls, 30-60 ms), and most tests
# make a client of their own. The production server is tested with the real settings.
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = None
MEDIA_ROOT = os.path.join(tempfile.gettempdir(), f"itsm-test-media-{os.getpid()}")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory: threads in the concurrency tests then queue on SQLite's
    # write lock (busy timeout) instead of failing with "database table is locked".
    # One file per pytest process, so parallel runs never share (or delete) each other's.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"itsm-test-{os.getpid()}.sqlite3")
    }

if not os.environ.get("REDIS_URL"):
    # The suite runs in one process per xdist worker and clears its cache around every test:
    # memory of its own, not the embedded default's directory (whose name the workers share).
    # The servers the tests start use the project settings (a directory next to their SQLite).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tasks run in-process in tests on both CI columns: with REDIS_URL set there is no worker in
# the test process. The Redis broker itself is exercised by tests/itsm/test_celery_broker.py.
CELERY_TASK_ALWAYS_EAGER = True

# A memo checks its version row only when a test says so (core.memo): query counts must not
# depend on how long a test takes. Each test starts with empty memos (tests/conftest.py).
CONFIG_MEMO_CHECK_SECONDS = 3600.0

# Events are delivered right after the commit in the test process, so a test sees their effects
# when its call returns. Server processes the tests start use the project settings (their
# delivery process, core.delivery_process); tests/core/test_deliverer.py exercises the
# deliverer here.
EVENTS_IN_BACKGROUND = False
# With a broker, drains are asked for by the committing thread, so a test sees the task queued
# when its call returns; tests/core/test_kicker.py exercises the server's thread.
DRAIN_REQUESTS_IN_BACKGROUND = False

# Semantic triage reads tickets with the bag-of-words provider in the suite: the bundled model
# loads (once per process) only in the tests that ask for it (tests/routing/test_semantic_*).
TRIAGE_PROVIDER = "hashing"
TRIAGE_LEARNED_REFRESH_SECONDS = 0.0
