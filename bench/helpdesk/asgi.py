"""ASGI entry point of the helpdesk app (served like the floor and the project)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.helpdesk.settings")

application = get_asgi_application()
