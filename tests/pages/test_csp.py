"""Every page under a strict Content-Security-Policy: the header forbids inline code, and no page
needs any. The page list is generated from the URL configuration and the admin's registry, so a
new page is checked without being added here."""

import re
import uuid

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from notifications import csat
from sla.actions.clocks import start_clock
from tests import factories
from tests.dashboard.factories import DecisionFactory
from tests.kb.factories import article
from tests.pages.inline import directives, inline_code
from tickets.actions import lifecycle, ownership

pytestmark = pytest.mark.django_db

# Prefixes of machine endpoints (JSON, websockets' HTTP side); the API docs page is a page.
NOT_PAGES = ("api/", "admin/", "health")
EXTRA_PAGES = ["/api/docs/", "/no-such-page/"]
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns, prefix: str = ""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


SITE_ROUTES = sorted(
    "/" + route
    for route in set(_routes(get_resolver().url_patterns))
    if not route.startswith(NOT_PAGES)
)
ADMIN_MODELS = sorted(
    f"{model._meta.app_label}.{model._meta.model_name}" for model in admin.site._registry
)


@pytest.fixture
def site(team, other_team, requester, policy):
    """A small desk with one of everything a page shows, and a client per kind of visitor."""
    boss = factories.AdminUserFactory()
    factories.AgentProfileFactory(user=boss, teams=[team])
    ticket = factories.TicketFactory(team=team, requester=requester.contact, title="CSP ticket")
    start_clock(ticket_id=ticket.pk)
    DecisionFactory(
        ticket=ticket,
        scores={"capability": 0.9, "availability": 0.5, "composite": 0.7},
        candidates=[{"group_id": "x", "group_name": "Runner up", "composite": 0.4, "scores": {}}],
        confidence=0.8,
    )
    ownership.accept_ticket(ticket_id=ticket.pk, actor=boss)
    factories.TimelineEntryFactory(ticket=ticket)
    done = factories.TicketFactory(team=team, requester=requester.contact)
    ownership.accept_ticket(ticket_id=done.pk, actor=boss)
    lifecycle.resolve_ticket(ticket_id=done.pk, actor=boss, resolution="Fixed")
    kb_article = article(actor=boss, title="VPN drops", body="Set the **MTU** to 1400.")

    clients = {"anonymous": Client(), "requester": Client(), "admin": Client()}
    clients["requester"].force_login(requester)
    clients["admin"].force_login(boss)
    values = {
        "ticket_id": ticket.pk,
        "pk": kb_article.pk,
        "token": csat.make_token(done),
        "uidb64": "MQ",
        "view_id": 1,
        "response_id": 1,
        "envelope_id": uuid.uuid4(),
        "action": "accept",
        "kind": "team",
        "notification_id": uuid.uuid4(),
        "approval_id": uuid.uuid4(),
        "decision": "approve",
        "item_id": uuid.uuid4(),
    }
    return {"clients": clients, "values": values, "ticket": ticket}


def fill(route: str, values: dict) -> str:
    return PARAM.sub(lambda match: str(values[match["name"]]), route)


def check_page(url: str, response) -> list[str]:
    """What is wrong with one HTML response under the policy."""
    problems = []
    policy = response.get("Content-Security-Policy")
    if not policy:
        return [f"{url}: no Content-Security-Policy header"]
    parsed = directives(policy)
    for directive in ("script-src", "style-src"):
        if directive not in parsed:
            problems.append(f"{url}: no {directive} in {policy!r}")
    for directive in ("default-src", "script-src", "style-src"):
        for unsafe in ("'unsafe-inline'", "'unsafe-eval'"):
            if unsafe in parsed.get(directive, []):
                problems.append(f"{url}: {unsafe} in {directive}")
    problems += [f"{url}: {found}" for found in inline_code(response.content.decode())]
    return problems


def visit(site: dict, url: str) -> list[tuple[str, object]]:
    """The HTML pages that ``url`` is for anonymous visitors, a requester and an admin: error
    pages too (a refusal is a page), redirects not."""
    pages = []
    for who, client in site["clients"].items():
        response = client.get(url)
        if 300 <= response.status_code < 400:
            continue
        if response["Content-Type"].startswith("text/html"):
            pages.append((who, response))
    return pages


@pytest.mark.parametrize("route", SITE_ROUTES + EXTRA_PAGES)
def test_site_pages_need_no_inline_code(site, route):
    url = fill(route, site["values"])
    problems = []
    for who, response in visit(site, url):
        problems += [f"[{who}] {problem}" for problem in check_page(url, response)]
    assert problems == []


@pytest.mark.parametrize("label", ADMIN_MODELS)
def test_admin_pages_need_no_inline_code(site, label):
    app_label, model_name = label.split(".")
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    urls = [
        reverse(f"admin:{app_label}_{model_name}_changelist"),
        reverse(f"admin:{app_label}_{model_name}_add"),
    ]
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        urls.append(reverse(f"admin:{app_label}_{model_name}_change", args=[first.pk]))
    problems = []
    for url in urls:
        response = site["clients"]["admin"].get(url)
        if response.status_code == 200:
            problems += check_page(url, response)
    assert problems == []


@pytest.mark.parametrize(
    ("name", "who"),
    [
        ("desk:queue", "admin"),
        ("desk:detail", "admin"),
        ("desk:detail", "requester"),
        ("desk:board", "admin"),
        ("dashboard:dashboard", "admin"),
        ("kb:list", "admin"),
        ("login", "anonymous"),
        ("admin:index", "admin"),
        ("notifications:csat", "anonymous"),
        ("docs", "admin"),
    ],
)
def test_the_main_pages_render_under_the_policy(site, name, who):
    """The generated list above covers these; here each must really render (200, HTML)."""
    values = site["values"]
    kwargs = {
        "desk:detail": {"ticket_id": values["ticket_id"]},
        "notifications:csat": {"token": values["token"]},
    }.get(name, {})
    url = reverse(name, kwargs=kwargs)
    response = site["clients"][who].get(url)
    assert response.status_code == 200
    assert check_page(url, response) == []
    if name == "desk:detail" and who == "admin":
        assert 'class="bar-fill" data-percent="90"' in response.content.decode()


def test_the_policy_is_strict():
    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    response = Client().get(reverse("login"))
    assert directives(response["Content-Security-Policy"]) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
