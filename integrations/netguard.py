"""Outbound HTTP with an SSRF guard: every hop (the first URL and each redirect) is resolved
and refused when it points at loopback, private, link-local, multicast or reserved addresses.
``INTEGRATIONS_ALLOW_PRIVATE_TARGETS`` (tests, development) allows loopback and private ranges;
link-local (cloud metadata at 169.254.169.254), multicast, reserved and unspecified addresses
are never allowed. Redirects are followed by hand (at most MAX_REDIRECTS), never by httpx."""

import ipaddress
import socket
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

from integrations.plugins import OutboundRequest

MAX_REDIRECTS = 3
SENSITIVE_HEADERS = ("authorization", "cookie", "x-signature")


class TargetRefused(Exception):
    """The URL is not one we may call."""


def allow_private() -> bool:
    return bool(getattr(settings, "INTEGRATIONS_ALLOW_PRIVATE_TARGETS", False))


def address_refused(address: str, *, private_ok: bool) -> str | None:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return f"{ip} is link-local, multicast, reserved or unspecified."
    if (ip.is_loopback or ip.is_private or not ip.is_global) and not private_ok:
        return f"{ip} is a loopback or private address."
    return None


def check_url(url: str, *, private_ok: bool | None = None) -> None:
    """Raise TargetRefused unless every address the URL's host resolves to may be called."""
    private_ok = allow_private() if private_ok is None else private_ok
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetRefused(f"Only http(s) URLs with a host are called: {url!r}.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as error:
        raise TargetRefused(f"Cannot resolve {parts.hostname}: {error}") from error
    for info in infos:
        reason = address_refused(info[4][0], private_ok=private_ok)
        if reason:
            raise TargetRefused(f"{parts.hostname}: {reason}")


def send(
    request: OutboundRequest, *, timeout: float, private_ok: bool | None = None
) -> httpx.Response:
    """Send one request, following up to MAX_REDIRECTS redirects, each hop checked first.
    Credentials and signatures are not carried to another host."""
    method, url, headers, body = request.method, request.url, dict(request.headers), request.body
    with httpx.Client(follow_redirects=False, timeout=timeout, trust_env=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url(url, private_ok=private_ok)
            response = client.request(method, url, headers=headers, content=body or None)
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("location", ""))
            if urlsplit(target).netloc != urlsplit(url).netloc:
                headers = {k: v for k, v in headers.items() if k.lower() not in SENSITIVE_HEADERS}
            if response.status_code in (301, 302, 303) and method != "GET":
                method, body = "GET", b""
                headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            url = target
    raise httpx.TooManyRedirects(f"More than {MAX_REDIRECTS} redirects.", request=response.request)
