"""ASGI entry point of the floor (served like the project's: gunicorn with uvicorn workers).

By default Django's own ASGI handler: the framework's floor as a new project gets it.
``FLOOR_ASGI_HANDLER=one-hand-off`` serves it with the project's handler instead
(itsm.asgi_handler: the sync chain in one thread hand-off a request, kept threads), so that
the two apps can be compared with the server's share the same on both sides.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.floor.settings")

if os.environ.get("FLOOR_ASGI_HANDLER") == "one-hand-off":
    import django

    from itsm.asgi_handler import OneHandOffASGIHandler

    django.setup(set_prefix=False)
    # As many threads as the project's default HTTP_CONCURRENCY (twice the cores).
    application = OneHandOffASGIHandler(threads=2 * (os.cpu_count() or 1))
else:
    application = get_asgi_application()
