"""WSGI entry point (HTTP only; use itsm.asgi for websockets)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

application = get_wsgi_application()

from core.deliverer import start_if_configured  # noqa: E402

# Without a broker, this process delivers the outbox after its responses (core.deliverer).
start_if_configured()
