"""Semantic triage in routing, on the database (the bag-of-words provider: fast, and it shows
the interface takes any provider): profiles embedded when they change, the decision storing
triage's reading, the low-confidence queue, learning from transfers and resolutions."""

import numpy as np
import pytest
from django.core.cache import cache

from org.actions.teams import save_team
from routing.actions.route import route_ticket
from routing.actions.triage_profiles import save_category_profile
from routing.actions.triage_settings import save_queue_settings
from routing.models import TriageLesson, TriageVector
from routing.semantic import service
from routing.semantic.vectors import from_bytes
from tests import factories
from tests.routing.factories import unrouted_ticket
from tickets.actions.updates import update_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def semantic(settings):
    settings.TRIAGE_SEMANTIC = True
    settings.TRIAGE_PROVIDER = "hashing"
    cache.clear()
    service.forget()
    yield
    service.forget()


@pytest.fixture
def admin_user():
    return factories.AdminUserFactory()


@pytest.fixture
def network(admin_user):
    return save_team(
        actor=admin_user,
        team=None,
        data={
            "slug": "network",
            "name": "Network",
            "description": "wifi vpn dns firewall internet connection dropping",
            "capabilities": ["network", "vpn"],
            "example_tickets": ["vpn keeps dropping", "no wifi in the office"],
        },
    )


@pytest.fixture
def printing(admin_user):
    return save_team(
        actor=admin_user,
        team=None,
        data={
            "slug": "printing",
            "name": "Print",
            "description": "printer toner paper jam scanner",
            "capabilities": ["printer"],
            "example_tickets": ["printer out of toner", "paper jam on floor 2"],
        },
    )


def team_row(team) -> TriageVector:
    return TriageVector.objects.get(kind="team", team=team, provider="hashing")


def test_a_new_team_is_embedded_after_its_commit(network):
    row = team_row(network)
    assert from_bytes(row.profile).shape == (256,)
    assert row.learned_count == 0


def test_changing_a_profile_embeds_it_again_and_other_changes_do_not(network, admin_user):
    before = bytes(team_row(network).profile)
    save_team(actor=admin_user, team=network, data={"max_bandwidth": 30})
    assert bytes(team_row(network).profile) == before
    save_team(actor=admin_user, team=network, data={"example_tickets": ["dns does not resolve"]})
    assert bytes(team_row(network).profile) != before


def test_a_category_profile_is_embedded_and_its_deletion_removes_the_vector(admin_user):
    profile = save_category_profile(
        actor=admin_user, profile=None, data={"category": " Printer ", "description": "toner"}
    )
    assert profile.category == "printer"
    assert TriageVector.objects.filter(kind="category", category="printer").exists()
    from routing.actions.triage_profiles import delete_category_profile

    delete_category_profile(actor=admin_user, profile=profile)
    assert not TriageVector.objects.filter(kind="category", category="printer").exists()


def test_the_decision_stores_triage_and_explains_it(network, printing):
    ticket = unrouted_ticket(
        category="", title="Printer jam", description="paper jam again, toner low"
    )
    decision = route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.team == printing
    assert decision.triage["provider"] == "hashing"
    assert decision.triage["teams"][0]["name"] == "Print"
    assert decision.triage["teams"][0]["similarity"] > decision.triage["teams"][1]["similarity"]
    assert decision.triage["shortlist"] == [str(printing.pk)]
    assert decision.triage["needs_triage"] is False
    assert ticket.category == "printer"
    assert "Triage (hashing) ranked Print" in decision.rationale
    assert "confidence" in decision.rationale
    # what it matched: the closest of Print's topics, in the document and the rationale
    topic = decision.triage["teams"][0]["topic"]
    assert topic in {"printer toner paper jam scanner", "printer", "printer out of toner",
                     "paper jam on floor 2"}  # fmt: skip
    assert f"Print {decision.triage['teams'][0]['similarity']:.2f} ({topic})" in decision.rationale


def test_a_ticket_with_a_category_is_routed_as_before(network, printing):
    ticket = unrouted_ticket(category="network", title="printer toner paper jam")
    decision = route_ticket(ticket_id=ticket.pk)
    assert decision.team == network
    assert decision.triage == {}


def test_low_confidence_goes_to_the_triage_queue(network, printing, admin_user):
    dispatch = factories.TeamFactory(slug="dispatch", name="Dispatch", capabilities=[])
    save_queue_settings(actor=admin_user, semantic_threshold=1.0, queue_team_id=dispatch.pk)
    ticket = unrouted_ticket(category="", title="help", description="it does not work")
    decision = route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.team == dispatch
    assert decision.triage["needs_triage"] is True
    assert "Dispatch" not in {team["name"] for team in decision.triage["teams"]}
    assert "triage queue" in decision.rationale
    assert "needs triage" in decision.rationale


def test_without_a_queue_team_a_low_confidence_ticket_goes_to_the_best_guess(
    network, printing, admin_user
):
    save_queue_settings(actor=admin_user, semantic_threshold=1.0, queue_team_id=None)
    ticket = unrouted_ticket(category="", title="vpn", description="vpn dropping")
    decision = route_ticket(ticket_id=ticket.pk)
    assert decision.team == network
    assert decision.triage["needs_triage"] is True


def test_the_queue_settings_refuse_a_bad_threshold(admin_user):
    from core.exceptions import DomainValidationError

    with pytest.raises(DomainValidationError) as error:
        save_queue_settings(actor=admin_user, semantic_threshold=1.5, queue_team_id=None)
    assert "semantic_threshold" in error.value.errors


def test_a_transfer_teaches_the_new_team_and_a_second_one_moves_the_lesson(
    network, printing, admin_user
):
    security = factories.TeamFactory(slug="security", name="Security", capabilities=["security"])
    ticket = unrouted_ticket(category="", title="vpn dropping, then a strange email with a link")
    route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.team == network  # so that moving it to printing is a transfer
    assert not TriageLesson.objects.exists()  # routing's own choice teaches nothing
    update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": printing})
    lesson = TriageLesson.objects.get(ticket=ticket)
    assert (lesson.team, lesson.reason) == (printing, "transferred")
    assert team_row(printing).learned_count == 1
    update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": security})
    assert TriageLesson.objects.get(ticket=ticket).team == security
    assert team_row(printing).learned_count == 0
    assert team_row(printing).learned_sum is None
    row = team_row(security)
    assert row.learned_count == 1
    taught = from_bytes(row.learned_sum)
    assert np.allclose(taught, service.ticket_vector(ticket.title, ticket.description))


def test_what_a_team_learned_changes_the_next_ranking(network, printing, admin_user, settings):
    settings.TRIAGE_BLEND = {"lexical": 0.0}  # the lessons alone against the profiles

    def printing_probability() -> float:
        result = service.triage_ticket("my badge is broken", "", {})
        return next(t.probability for t in result.teams if t.name == "Print")

    before = printing_probability()
    for title in ["badge reader broken", "badge does not open the door", "lost my badge"]:
        ticket = unrouted_ticket(category="", title=title, description="")
        route_ticket(ticket_id=ticket.pk)
        update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": printing})
    assert printing_probability() > before
    new = unrouted_ticket(category="", title="lost my badge", description="")  # a lesson's words
    decision = route_ticket(ticket_id=new.pk)
    assert decision.triage["teams"][0]["name"] == "Print"


def test_the_dispatchers_choice_is_learned_like_a_transfer(network, printing, admin_user):
    dispatch = factories.TeamFactory(slug="dispatch", name="Dispatch", capabilities=[])
    save_queue_settings(actor=admin_user, semantic_threshold=1.0, queue_team_id=dispatch.pk)
    ticket = unrouted_ticket(category="", title="something odd")
    route_ticket(ticket_id=ticket.pk)
    update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": network})
    assert TriageLesson.objects.get(ticket=ticket).team == network
