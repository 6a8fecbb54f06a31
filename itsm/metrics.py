"""GET /metrics: the Prometheus exposition of core.metrics, for the scraper only.

Allowed with ``Authorization: Bearer <METRICS_TOKEN>`` or from an address inside
``METRICS_ALLOWED_IPS``; with neither configured it answers 404 like any path that does not
exist. No session, no CSRF (a GET that changes nothing), no API error format (not under /api/).
The client address is the one the throttles use (TRUSTED_PROXY_COUNT: X-Forwarded-For only as
far as trusted proxies wrote it).

Exempt from SECURE_SSL_REDIRECT, as /health is: scrapers reach each server process directly on
the private network (each process is its own target without PROMETHEUS_MULTIPROC_DIR), where
the server speaks no TLS; and a redirect would not protect the token anyway, which a plain-HTTP
scraper has already sent in the request being redirected.
"""

import hmac
import ipaddress
import os
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from rest_framework.throttling import BaseThrottle

from core.metrics import QueueDepthCollector


def client_address(request: HttpRequest) -> str:
    """The address the throttles count (DRF's NUM_PROXIES = TRUSTED_PROXY_COUNT)."""
    return BaseThrottle().get_ident(request)


def inside(address: str, networks: Iterable[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:  # empty, a unix socket's name: no address to allow
        return False
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


def bearer_matches(request: HttpRequest, token: str) -> bool:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    # compare_digest: the time taken does not tell how much of a guess was right.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.encode(), token.encode())


def check_access(request: HttpRequest) -> HttpResponse | None:
    """None when the caller may scrape; else the refusal (or Http404/PermissionDenied)."""
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS
    if not token and not networks:
        raise Http404("Metrics are not enabled.")
    if token and bearer_matches(request, token):
        return None
    if networks and inside(client_address(request), networks):
        return None
    if token:
        refusal = HttpResponse("A valid bearer token is required.\n", status=401)
        refusal["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refusal
    raise PermissionDenied("This address may not read the metrics.")


class _Together:
    """The collectors of one scrape, as the one registry generate_latest asks."""

    def __init__(self, *sources) -> None:
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        for source in self.sources:
            yield from source.collect()


def exposition() -> bytes:
    """This process's metrics, or (PROMETHEUS_MULTIPROC_DIR) every process's summed from the
    directory, plus the queue depths read now. The directory is read from the environment at
    each scrape, as prometheus-client itself reads it: it is not a Django setting."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        processes = CollectorRegistry()
        MultiProcessCollector(processes, path=directory)
        return generate_latest(_Together(processes, QueueDepthCollector()))
    return generate_latest(_Together(REGISTRY, QueueDepthCollector()))


# csrf_exempt: it changes nothing, and any method must meet the access check first (a POST
# refused by CSRF would tell a stranger that the endpoint exists).
@csrf_exempt
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    refusal = check_access(request)
    if refusal is not None:
        return refusal
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)
