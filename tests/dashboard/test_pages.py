"""/dashboard/: managers and admins only; tiles rendered from the snapshot; Chart.js served
from our own static files."""

import pytest
from django.contrib.staticfiles import finders

from tests import factories
from tests.assets import foreign_assets

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/dashboard/")


@pytest.mark.parametrize("who", ["agent", "requester"])
def test_agents_and_requesters_are_refused(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize("who", ["manager", "admin_user"])
def test_managers_and_admins_see_the_tiles(client, who, request, team):
    factories.TicketFactory.create_batch(3, team=team, priority="critical")
    client.force_login(request.getfixturevalue(who))
    response = client.get("/dashboard/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<span class="tile-value" data-kpi="open.total">3</span>' in html
    assert 'data-kpi="today.created">3</span>' in html
    assert 'id="ws-state"' in html
    assert 'data-ws-path="/ws/dashboard/"' in html
    assert '<script id="kpi-snapshot" type="application/json">' in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html
    assert "/static/dashboard/dashboard.js" in html
    assert foreign_assets(html) == []


def test_chartjs_is_vendored_with_its_licence():
    script = finders.find("vendor/chartjs/chart.umd.min.js")
    licence = finders.find("vendor/chartjs/LICENSE.md")
    assert script and licence
    with open(script, encoding="utf-8") as handle:
        assert "Chart.js v4." in handle.read(300)
    with open(licence, encoding="utf-8") as handle:
        assert "MIT License" in handle.read()
    assert finders.find("dashboard/dashboard.js")


def test_post_is_not_allowed(client, manager):
    client.force_login(manager)
    assert client.get("/dashboard/").status_code == 200
    assert client.post("/dashboard/").status_code == 405


@pytest.mark.parametrize(("asked", "shown"), [(None, 30), ("90", 90), ("14", 14), ("7", 30)])
def test_the_trend_spans_the_days_picked(client, manager, asked, shown):
    client.force_login(manager)
    response = client.get("/dashboard/", {"days": asked} if asked else {})
    assert response.context["trend"]["days"] == shown
    assert len(response.context["trend"]["series"]) == shown
    html = response.content.decode()
    assert f"last {shown} days" in html
    assert f"<strong>{shown} d</strong>" in html
    assert all(f'href="?days={d}"' in html for d in (14, 30, 90) if d != shown)


def test_the_charts_and_the_feed_get_human_labels(client, manager):
    client.force_login(manager)
    response = client.get("/dashboard/")
    labels = response.context["labels"]
    assert labels["status"]["in_progress"] == "In progress"
    assert labels["priority"]["critical"] == "Critical"
    assert labels["event"]["ticket.created"] == "Ticket created"
    assert '<script id="kpi-labels" type="application/json">' in response.content.decode()
