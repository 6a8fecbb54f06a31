"""Where the settings come from, and what a process says when they are missing.

The process environment comes first; the project's ``.env`` file (written by ``make run`` for
development, ignored by git) fills in what the environment leaves unset. ``ENV_FILE`` names
another file, or none when empty (the test suite runs without the developer's file).

A command started without either (a fresh clone, no ``make run`` yet, no environment) stops
with one sentence saying what to do, not with a traceback from deep inside Django: the entry
points (``manage.py``, ``python -m itsm.server``, the Celery app) call :func:`exit_if_missing`.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")

HOW_TO_CONFIGURE = (
    "run `make run` once (it writes a development .env) or set SECRET_KEY and DEBUG in the "
    "environment (docs/operations.md)"
)


class MissingConfiguration(ImproperlyConfigured):
    """A setting the process cannot start without is not set."""


def env_file(base_dir: Path) -> Path | None:
    """The file to read, or None: ``ENV_FILE`` when set (empty for none), else ``.env``."""
    named = os.environ.get("ENV_FILE")
    if named is None:
        return base_dir / ".env"
    return Path(named) if named else None


def missing(setting: str, why: str) -> MissingConfiguration:
    return MissingConfiguration(f"{setting} is missing: {why}; {HOW_TO_CONFIGURE}.")


def exit_if_missing(main: Callable[[], T]) -> T:
    """Run an entry point; a missing setting ends it with its sentence and exit status 2."""
    try:
        return main()
    except MissingConfiguration as exc:
        print(f"Error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
