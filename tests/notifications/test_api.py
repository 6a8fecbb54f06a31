"""/api/v1/notifications/: the caller's own list, read/unread, read-all, preferences."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from notifications.models import Notification, NotificationPreference
from tests import factories
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/notifications/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_paths_are_the_documented_ones():
    assert reverse("notification-list") == LIST
    assert reverse("notification-read-all") == "/api/v1/notifications/read-all/"
    pk = "2f1c3f8e-0000-4000-8000-000000000000"
    assert reverse("notification-read", kwargs={"pk": pk}) == f"/api/v1/notifications/{pk}/read/"


def test_list_shows_only_the_callers_own_newest_first(agent, other_agent, ticket):
    mine = NotificationFactory(user=agent, ticket=ticket, title="mine")
    NotificationFactory(user=other_agent, title="not mine")
    newer = NotificationFactory(user=agent, title="newer")

    response = client_for(agent).get(LIST)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["id"] for row in results] == [str(newer.pk), str(mine.pk)]
    assert results[1]["ticket"] == {"id": str(ticket.pk), "reference": ticket.reference}
    assert results[1]["read"] is False


@pytest.mark.parametrize("rows", [5, 50])
def test_list_query_count_does_not_grow_with_rows(agent, team, django_assert_max_num_queries, rows):
    for _ in range(rows):
        NotificationFactory(user=agent, ticket=factories.TicketFactory(team=team))
    client = client_for(agent)
    with django_assert_max_num_queries(4):
        response = client.get(LIST, {"page_size": 100})
    assert response.json()["count"] == rows


def test_unread_filter(agent):
    NotificationFactory(user=agent, title="unread")
    read = NotificationFactory(user=agent, title="read")
    client_for(agent).post(f"{LIST}{read.pk}/read/")
    client = client_for(agent)
    assert [r["title"] for r in client.get(LIST, {"unread": "true"}).json()["results"]] == [
        "unread"
    ]
    assert [r["title"] for r in client.get(LIST, {"unread": "false"}).json()["results"]] == ["read"]


def test_mark_read_and_unread(agent):
    note = NotificationFactory(user=agent)
    client = client_for(agent)

    response = client.post(f"{LIST}{note.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read"] is True
    first_read_at = Notification.objects.get(pk=note.pk).read_at
    assert first_read_at is not None
    client.post(f"{LIST}{note.pk}/read/")  # idempotent: the first read time stays
    assert Notification.objects.get(pk=note.pk).read_at == first_read_at

    response = client.post(f"{LIST}{note.pk}/unread/")
    assert response.json()["read"] is False
    assert Notification.objects.get(pk=note.pk).read_at is None


def test_someone_elses_notification_is_not_found(agent, other_agent):
    theirs = NotificationFactory(user=other_agent)
    response = client_for(agent).post(f"{LIST}{theirs.pk}/read/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"non_field_errors": ["Not found."]}}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_marks_only_the_callers(agent, other_agent):
    for _ in range(3):
        NotificationFactory(user=agent)
    NotificationFactory(user=other_agent)
    response = client_for(agent).post(f"{LIST}read-all/")
    assert response.json() == {"marked": 3}
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_anonymous_is_refused(db):
    response = APIClient().get(LIST)
    assert response.status_code in (401, 403)
    assert "errors" in response.json()


def test_get_is_not_allowed_on_read(agent):
    note = NotificationFactory(user=agent)
    assert client_for(agent).get(f"{LIST}{note.pk}/read/").status_code == 405


def test_preferences_list_shows_defaults_then_own_choice(agent):
    client = client_for(agent)
    rows = {row["event_type"]: row for row in client.get(f"{LIST}preferences/").json()}
    assert rows["assigned"] == {
        "event_type": "assigned",
        "email": True,
        "in_app": True,
        "teams": False,
        "slack": False,
        "timing": "immediate",
        "is_default": True,
    }
    assert rows["reply"]["email"] is False
    assert "resolved" not in rows  # requester events have no agent preference

    response = client.put(
        f"{LIST}preferences/reply/", {"email": True, "in_app": False, "timing": "daily"}
    )
    assert response.status_code == 200
    assert response.json()["is_default"] is False
    pref = NotificationPreference.objects.get(user=agent, event_type="reply")
    assert (pref.email, pref.in_app, pref.timing) == (True, False, "daily")

    assert client.delete(f"{LIST}preferences/reply/").status_code == 204
    assert not NotificationPreference.objects.filter(user=agent).exists()


def test_preferences_validation(agent, requester):
    client = client_for(agent)
    response = client.put(f"{LIST}preferences/resolved/", {"email": True, "in_app": True})
    assert response.status_code == 400
    assert "event_type" in response.json()["errors"]
    response = client.put(
        f"{LIST}preferences/reply/", {"email": True, "in_app": True, "timing": "weekly"}
    )
    assert response.status_code == 400
    assert "timing" in response.json()["errors"]
    assert client_for(requester).get(f"{LIST}preferences/").status_code == 403
