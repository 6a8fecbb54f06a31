"""Plugin interfaces and the registry.

A source plugin turns one foreign payload into an ``InboundEvent``; a handler plugin turns an
AllocationDecision into the HTTP requests that tell a foreign system. Both are registered by
dotted path in settings (``INTEGRATION_SOURCES`` / ``INTEGRATION_HANDLERS``: name -> class),
so a new system is a small class and a settings line. See docs/plugins.md."""

import base64
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from integrations.standard import InboundEvent


class SourcePlugin:
    """Subclass and implement ``parse``. ``name`` is the settings key (the X-Source-ID)."""

    name: str = ""

    def parse(self, payload: dict, *, headers: dict[str, str]) -> InboundEvent:
        """Map the payload; raise integrations.standard.PayloadError for a 400."""
        raise NotImplementedError


@dataclass(frozen=True)
class TicketFacts:
    """What a handler may know about the ticket a decision is for."""

    id: str
    reference: str
    title: str
    source: str
    external_id: str
    external_metadata: dict


@dataclass(frozen=True)
class Endpoint:
    """A configured handler endpoint (integrations.models.HandlerEndpoint), as plain data."""

    url: str
    auth_method: str = "none"  # none | basic | bearer
    username: str = ""
    secret: str = ""  # password or token
    signing_secret: str = ""
    options: dict = field(default_factory=dict)


@dataclass(frozen=True)
class OutboundRequest:
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class HandlerPlugin:
    """Subclass and implement ``build_requests`` (pure: no I/O). The requests are sent in
    order by integrations.actions.outbound; any failure retries the whole list later, so every
    request must be safe to repeat."""

    name: str = ""

    def applies_to(self, *, ticket: TicketFacts) -> bool:
        return True

    def build_requests(
        self, *, decision: dict, ticket: TicketFacts, endpoint: Endpoint
    ) -> list[OutboundRequest]:
        raise NotImplementedError

    @staticmethod
    def auth_headers(endpoint: Endpoint) -> dict[str, str]:
        if endpoint.auth_method == "basic":
            pair = f"{endpoint.username}:{endpoint.secret}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
        if endpoint.auth_method == "bearer":
            return {"Authorization": f"Bearer {endpoint.secret}"}
        return {}


def source_names() -> list[str]:
    return sorted(settings.INTEGRATION_SOURCES)


def handler_names() -> list[str]:
    return sorted(settings.INTEGRATION_HANDLERS)


def get_source(name: str) -> SourcePlugin | None:
    path = settings.INTEGRATION_SOURCES.get(name)
    return _load(name, path, SourcePlugin) if path else None


def get_handler(name: str) -> HandlerPlugin | None:
    path = settings.INTEGRATION_HANDLERS.get(name)
    return _load(name, path, HandlerPlugin) if path else None


@cache
def _load(name: str, path: str, base: type):
    plugin_class = import_string(path)
    if not issubclass(plugin_class, base):
        raise TypeError(f"{path} is not a {base.__name__}.")
    plugin = plugin_class()
    plugin.name = name
    return plugin
