"""The satisfaction link: signed, refused when changed, CSRF-protected, stored per ticket."""

import datetime as dt

import pytest
from django.core import signing
from django.test import Client

from core.exceptions import DomainValidationError
from core.models import AuditLog
from notifications import csat, selectors
from notifications.actions import ratings
from notifications.models import SatisfactionRating
from tests import factories
from tickets.actions import lifecycle, ownership
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(agent, ticket) -> Ticket:
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    return lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Fixed")


def path_of(ticket) -> str:
    return csat.csat_link(ticket).removeprefix("https://desk.example.com")


def test_link_page_shows_a_form_with_csrf(resolved):
    response = Client().get(path_of(resolved))
    assert response.status_code == 200
    html = response.content.decode()
    assert resolved.reference in html
    assert "csrfmiddlewaretoken" in html
    for n in range(1, 6):
        assert f'value="{n}"' in html


def test_posting_the_form_stores_the_rating_and_audits(resolved):
    client = Client(enforce_csrf_checks=True)
    path = path_of(resolved)
    token = client.get(path).cookies["csrftoken"].value

    response = client.post(
        path, {"rating": "4", "comment": "Quick, thanks", "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    stored = SatisfactionRating.objects.get(ticket=resolved)
    assert (stored.rating, stored.comment, stored.contact_id) == (
        4,
        "Quick, thanks",
        resolved.requester_id,
    )
    assert AuditLog.objects.filter(ticket_id=resolved.pk, action="ticket.csat_rated").count() == 1

    # Rating again replaces the first rating; it is still one per ticket.
    client.post(path, {"rating": "5", "csrfmiddlewaretoken": token})
    assert SatisfactionRating.objects.get(ticket=resolved).rating == 5
    assert SatisfactionRating.objects.count() == 1


def test_post_without_csrf_token_is_refused(resolved):
    response = Client(enforce_csrf_checks=True).post(path_of(resolved), {"rating": "5"})
    assert response.status_code == 403
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature changed
        lambda token: signing.b64_encode(b'{"t":"x","c":1}').decode() + token[token.index(":") :],
        lambda token: "garbage",
        lambda token: signing.dumps({"t": "x", "c": 1}, salt="another.salt"),
    ],
)
def test_a_changed_link_is_refused(resolved, tamper):
    token = csat.make_token(resolved)
    response = Client().post(f"/csat/{tamper(token)}/", {"rating": "1"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_a_link_for_another_ticket_cannot_be_forged_by_swapping_ids(resolved, team, requester):
    other = factories.TicketFactory(team=team, requester=requester.contact)
    _payload, _, signature = csat.make_token(resolved).partition(":")
    forged = signing.b64_encode(f'{{"t":"{other.pk}","c":{other.requester_id}}}'.encode()).decode()
    with pytest.raises(csat.InvalidCsatToken):
        ratings.rate_ticket(token=f"{forged}:{signature}", rating=1)


def test_a_link_stops_working_when_the_requester_changes(resolved):
    token = csat.make_token(resolved)
    Ticket.objects.filter(pk=resolved.pk).update(requester=factories.ContactFactory())
    with pytest.raises(csat.InvalidCsatToken):
        ratings.rate_ticket(token=token, rating=5)


def test_an_old_link_has_expired(resolved, time_machine):
    time_machine.move_to(dt.datetime(2026, 1, 1, tzinfo=dt.UTC), tick=False)
    path = path_of(resolved)
    time_machine.move_to(dt.datetime(2026, 2, 15, tzinfo=dt.UTC), tick=False)
    response = Client().get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_out_of_range_rating_is_refused(resolved):
    response = Client().post(path_of(resolved), {"rating": "6"})
    assert response.status_code == 400
    assert not SatisfactionRating.objects.exists()
    with pytest.raises(DomainValidationError):
        ratings.rate_ticket(token=csat.make_token(resolved), rating=0)


def test_an_open_ticket_cannot_be_rated(ticket):
    response = Client().post(path_of(ticket), {"rating": "3"})
    assert response.status_code == 400
    assert "Only resolved tickets" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_csat_summary_over_visible_tickets(resolved, agent, team, requester, manager):
    SatisfactionRating.objects.create(ticket=resolved, rating=5)
    second = factories.TicketFactory(team=team, requester=requester.contact)
    SatisfactionRating.objects.create(ticket=second, rating=2)
    factories.TicketFactory(team=team, requester=requester.contact)  # not rated
    assert selectors.csat_summary(Ticket.objects.all()) == {
        "count": 2,
        "average": 3.5,
        "satisfied_rate": 0.5,
    }
    assert selectors.csat_summary(Ticket.objects.none())["average"] is None
