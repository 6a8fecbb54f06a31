"""The frame of every page by role: the links each role may follow (and no others), the
notification bell, the current page marked; styled 403, 404 and 500 pages that keep it."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import path

from core.roles import with_roles
from desk.context import Viewer
from itsm.urls import urlpatterns as site_urlpatterns
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

STAFF_LINKS = ["Queue", "Tickets", "Board", "New ticket", "Knowledge base", "Approvals"]


def boom(request):
    raise RuntimeError("a bug in a view")


# This module doubles as a URL configuration with one failing view (the 500 page's test).
urlpatterns = [path("boom/", boom), *site_urlpatterns]
handler403 = "itsm.api.views.permission_denied"
handler404 = "itsm.api.views.not_found"
handler500 = "itsm.api.views.server_error"


def menu(html: str) -> list[str]:
    nav = html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


@pytest.mark.parametrize(
    "who, links",
    [
        ("requester", ["My tickets", "New ticket", "Knowledge base"]),
        ("agent", STAFF_LINKS),
        ("manager", [*STAFF_LINKS, "Calibration", "Dashboard", "Analytics"]),
        ("admin_user", [*STAFF_LINKS, "Calibration", "Dashboard", "Analytics", "Admin"]),
    ],
)
def test_each_role_sees_its_links(client, who, links, request):
    client.force_login(request.getfixturevalue(who))
    html = client.get("/kb/").content.decode()
    assert menu(html) == links
    assert ('id="bell"' in html) == (who != "requester")


def test_the_current_page_is_marked(client, agent):
    client.force_login(agent)
    html = client.get("/tickets/new/").content.decode()
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', html) == ["/tickets/new/"]


def test_the_bell_counts_the_unread_notifications(client, agent, other_agent):
    NotificationFactory.create_batch(2, user=agent)
    NotificationFactory(user=agent, read_at="2026-01-01T00:00:00Z")
    NotificationFactory(user=other_agent)
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert '<span class="unread-count" data-unread="2">2</span>' in html


def test_the_frame_costs_one_query_for_staff_and_none_for_a_requester(
    rf, agent, requester, django_assert_num_queries
):
    for user, queries in ((agent, 1), (requester, 0)):
        request = rf.get("/")
        request.user = with_roles(get_user_model().objects).get(pk=user.pk)
        viewer = Viewer(request)
        with django_assert_num_queries(queries):
            assert viewer.links and viewer.timezone == "UTC"
            assert viewer.unread == 0


@override_settings(DEBUG=False)
def test_a_requester_gets_a_styled_403_with_the_navigation_and_no_board(client, requester):
    client.force_login(requester)
    response = client.get("/board/")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'id="error-page"' in html and "Not allowed" in html
    assert menu(html) == ["My tickets", "New ticket", "Knowledge base"]
    assert "/static/css/itsm.css" in html


@override_settings(DEBUG=False)
def test_a_404_is_styled_and_keeps_the_navigation(client, agent):
    client.force_login(agent)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'id="error-page"' in html and "Not found" in html
    assert menu(html) == STAFF_LINKS


@override_settings(DEBUG=False)
def test_an_anonymous_404_has_no_menu(client):
    html = client.get("/no-such-page/").content.decode()
    assert 'id="error-page"' in html and 'class="mainnav"' not in html


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_500_is_styled_and_keeps_the_frame(agent):
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert 'id="error-page"' in html and "Something went wrong" in html
    assert "/static/css/itsm.css" in html


def test_the_500_template_renders_without_a_request_or_database(django_assert_num_queries):
    from django.template import loader

    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "Something went wrong" in html and 'class="mainnav"' not in html
