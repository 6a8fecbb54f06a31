"""WSGI entry point (HTTP only; use itsm.asgi for websockets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

application = get_wsgi_application()

from core.deliverer import start_if_configured  # noqa: E402
from core.heap import freeze_startup_heap  # noqa: E402
from core.tasks import start_drain_requests  # noqa: E402

# What the process loaded to get here stays out of the collector's full passes, whichever
# configuration it serves (core.heap).
freeze_startup_heap()
# Without a broker, this process delivers the outbox after its responses (core.deliverer);
# with one, a thread of it asks the workers for drains after them (core.kicker).
start_if_configured()
start_drain_requests()
