"""After an action the ticket page says what happened, at the top (a Django message after the
redirect); the collision warning of two agents replying at once is at the top too."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def top_of(page: str) -> str:
    """The page before the ticket's header: what the agent sees first."""
    return page[: page.index('id="ticket-head"')]


def test_accept_answers_with_a_message_at_the_top(client, agent, ticket):
    client.force_login(agent)
    response = client.post(reverse("desk:action", args=[ticket.pk, "accept"]), follow=True)
    assert "You own this ticket now." in top_of(response.content.decode())
    # Shown once: the next visit has no message.
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert "You own this ticket now." not in page


def test_resolve_answers_with_a_message(client, agent, owned):
    client.force_login(agent)
    response = client.post(
        reverse("desk:action", args=[owned.pk, "resolve"]), {"resolution": "Fixed"}, follow=True
    )
    assert "Resolved. The requester is told." in top_of(response.content.decode())


@pytest.mark.parametrize(
    ("visibility", "said"),
    [("public", "Reply sent."), ("internal", "Internal note added")],
)
def test_a_reply_or_a_note_answers_with_a_message(client, agent, owned, visibility, said):
    client.force_login(agent)
    seen = len(client.get(reverse("desk:detail", args=[owned.pk])).context["timeline"])
    response = client.post(
        reverse("desk:post-entry", args=[owned.pk]),
        {"content": "On it", "visibility": visibility, "seen": seen},
        follow=True,
    )
    assert said in top_of(response.content.decode())


def test_a_refused_action_says_why_and_no_success(client, agent, owned):
    client.force_login(agent)
    response = client.post(reverse("desk:action", args=[owned.pk, "accept"]))
    assert response.status_code == 409
    assert "You own this ticket now." not in response.content.decode()


def test_the_collision_warning_is_at_the_top_of_the_page(client, agent, owned):
    client.force_login(agent)
    seen = len(client.get(reverse("desk:detail", args=[owned.pk])).context["timeline"])
    factories.TimelineEntryFactory(ticket=owned, content="Meanwhile the requester wrote")
    response = client.post(
        reverse("desk:post-entry", args=[owned.pk]),
        {"content": "My answer", "visibility": "public", "seen": seen},
    )
    assert response.status_code == 409
    top = top_of(response.content.decode())
    assert 'id="collision-warning"' in top and "New entries arrived" in top


def test_a_board_move_answers_with_a_message(client, agent, ticket):
    client.force_login(agent)
    response = client.post(
        reverse("desk:board-move"), {"ticket": ticket.pk, "to": "in_progress"}, follow=True
    )
    assert response.status_code == 200
    assert "Moved." in response.content.decode()
