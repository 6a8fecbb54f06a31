"""ASGI entry point of the floor (served like the project's: gunicorn with uvicorn workers)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor.settings")

application = get_asgi_application()
