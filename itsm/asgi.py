"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os

from itsm.asgi_handler import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

# Django must be set up before anything imports models (the websocket routes do). A request's
# sync work runs in one hand-off to a kept thread, as many threads as requests run at once.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from core.api.error_format import ApiErrorFormatASGI  # noqa: E402
from core.deliverer import start_if_configured  # noqa: E402
from core.heap import freeze_startup_heap  # noqa: E402
from core.tasks import start_drain_requests  # noqa: E402
from dashboard.websockets import websocket_urlpatterns as dashboard_sockets  # noqa: E402
from desk.websockets import websocket_urlpatterns as desk_sockets  # noqa: E402
from itsm.asgi_limits import ConcurrencyLimit  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": ApiErrorFormatASGI(ConcurrencyLimit(django_asgi_app, settings.HTTP_CONCURRENCY)),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(dashboard_sockets + desk_sockets))
        ),
    }
)

# What the process loaded to get here stays out of the collector's full passes, whichever
# configuration it serves (core.heap).
freeze_startup_heap()
# Without a broker, this process delivers the outbox after its responses (core.deliverer);
# with one, a thread of it asks the workers for drains after them (core.kicker).
start_if_configured()
start_drain_requests()
