"""/notifications/: a user's own notifications, newest first; mark all read; opening one marks
it read and goes to its ticket; someone else's is not found."""

import pytest

from notifications.models import Notification
from tests import factories
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_the_users_own_newest_first(client, agent, other_agent):
    NotificationFactory(user=agent, title="Older one")
    NotificationFactory(user=agent, title="Newer one")
    NotificationFactory(user=other_agent, title="Not yours")
    client.force_login(agent)
    html = client.get("/notifications/").content.decode()
    assert html.index("Newer one") < html.index("Older one")
    assert "Not yours" not in html
    assert html.count("inbox-item unread") == 2


@pytest.mark.parametrize("rows", [3, 40])
def test_the_list_runs_a_constant_number_of_queries(
    client, agent, rows, django_assert_max_num_queries
):
    NotificationFactory.create_batch(rows, user=agent)
    client.force_login(agent)
    client.get("/notifications/")
    # session, user with role, the frame's time zone and unread count, the count, the page
    with django_assert_max_num_queries(5):
        assert client.get("/notifications/").status_code == 200


def test_mark_all_read(client, agent):
    NotificationFactory.create_batch(3, user=agent)
    client.force_login(agent)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302
    assert not Notification.objects.filter(user=agent, read_at__isnull=True).exists()
    html = client.get("/notifications/").content.decode()
    assert '<span class="unread-count" data-unread="0">0</span>' in html


def test_opening_one_marks_it_read_and_goes_to_its_ticket(client, agent, ticket):
    note = NotificationFactory(user=agent, ticket=ticket)
    client.force_login(agent)
    response = client.post(f"/notifications/{note.pk}/open/")
    assert response.status_code == 302 and response["Location"] == f"/tickets/{ticket.pk}/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_not_found(client, agent, other_agent):
    note = NotificationFactory(user=other_agent)
    client.force_login(agent)
    assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_opening_needs_a_post(client, agent):
    note = NotificationFactory(user=agent, ticket=factories.TicketFactory())
    client.force_login(agent)
    assert client.get(f"/notifications/{note.pk}/open/").status_code == 405
