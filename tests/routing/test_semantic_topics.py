"""A profile's topics: a ticket about one thing a broad team does matches that thing, not the
mean of everything the team does (routing.semantic: vectors, blend, lexical, service)."""

from dataclasses import replace

import numpy as np
import pytest

from org.models import Team
from routing.semantic import blend, service, stacking
from routing.semantic.evaluation import LabelledTicket
from routing.semantic.lexical import Lexicon
from routing.semantic.providers import get_provider
from routing.semantic.vectors import profile_topics, unit

WEIGHTS = blend.BlendWeights()


def axis(i: int, dim: int = 8) -> np.ndarray:
    vector = np.zeros(dim, dtype=np.float32)
    vector[i] = 1.0
    return vector


def test_a_profile_lists_its_descriptions_clauses_capabilities_and_examples_once():
    found = profile_topics(
        description="Buildings: access cards and badges, keys and lockers. Parking (car park).",
        capabilities=["facilities", "badge", "Badge"],
        examples=["Move my desk", "badge"],
    )
    assert found == [
        "Buildings",
        "access cards and badges",
        "keys and lockers",
        "Parking",
        "car park",
        "facilities",
        "badge",
        "Badge",
        "Move my desk",
    ]
    assert profile_topics(description="", capabilities=["ab"], examples=[]) == []


def test_a_ticket_about_one_of_a_broad_teams_topics_goes_to_that_team():
    # Facilities does eight things; the ticket is about one of them (axis 3). Identity does
    # one thing, only somewhat like the ticket. By the profiles' means identity is closer.
    facilities_topics = np.vstack([axis(i) for i in range(1, 8)] + [axis(3)])
    names = ("badges", "parking", "lockers", "heating", "lighting", "cleaning", "lifts", "keys")
    facilities = blend.TeamVector(
        "f", "Facilities", ("facilities",), unit(facilities_topics.sum(axis=0)),
        topics=facilities_topics, topic_names=names,
    )  # fmt: skip
    identity = blend.TeamVector("i", "Identity", ("access",), unit(axis(0) + axis(3) * 0.6))
    ticket = unit(axis(3) + axis(0) * 0.2)
    assert float(identity.profile @ ticket) > float(facilities.profile @ ticket)
    no_topics = replace(WEIGHTS, topic=0.0)
    without = blend.rank_teams(ticket, [facilities, identity], blend.Signals(), no_topics)
    assert without[0].team_id == "i"
    ranked = blend.rank_teams(ticket, [facilities, identity], blend.Signals(), WEIGHTS)
    assert ranked[0].team_id == "f"
    assert ranked[0].topic == "lockers"  # what it matched, named in the rationale
    assert ranked[0].label().endswith("(lockers)") and ranked[1].topic == ""
    # The similarity shown is still the profile's; a team without topics reads as its profile.
    assert ranked[0].similarity == pytest.approx(float(facilities.profile @ ticket))
    assert blend.topic_similarities(ticket, [identity])[0] == pytest.approx(
        float(identity.profile @ ticket)
    )


def test_the_n_grams_read_each_teams_closest_topic():
    words = Lexicon(
        ["badges parking lockers heating lighting cleaning lifts", "password account locked"],
        topics=[["badges", "parking", "lockers", "heating", "lighting", "cleaning", "lifts"], []],
    )
    read = words.scores("Lockers", "a locker in the new locker area")
    assert read.topics is not None and len(read.topics) == 2
    assert read.topics[0] > read.profile[0]  # one topic, not a seventh of the profile
    assert read.topics[0] > read.topics[1]
    # a team listing no topics reads as its whole profile
    assert read.topics[1] == pytest.approx(read.profile[1])
    assert Lexicon(["a b c"]).scores("a", "").topics is None


@pytest.mark.django_db
def test_routing_embeds_each_profiles_topics_once_per_process(monkeypatch):
    Team.objects.create(
        name="Facilities", description="Badges, parking, keys and lockers", capabilities=["desks"]
    )
    service.forget()
    service._topic_vectors.clear()
    provider = get_provider()
    calls = []
    original = provider.embed
    monkeypatch.setattr(
        provider, "embed", lambda texts: calls.append(list(texts)) or original(texts)
    )
    teams = service.state().teams
    assert teams[0].topics is not None and teams[0].topics.shape == (4, provider.dim)
    topics = ["Badges", "parking", "keys and lockers", "desks"]
    assert calls.count(topics) == 1
    service.forget()  # lessons changed: the process loads again
    assert service.state().teams[0].topics.shape == (4, provider.dim)
    assert calls.count(topics) == 1  # (this team's profile has no stored vector: it is read)


def test_the_profiles_weights_and_temperature_come_from_one_fit():
    teams = [
        {"slug": "n", "name": "Network", "category": "network", "capabilities": [],
         "description": "VPN tunnels, wifi access points, firewall rules", "examples": []},
        {"slug": "f", "name": "Facilities", "category": "facilities", "capabilities": [],
         "description": "Badges, parking, keys and lockers, heating", "examples": []},
    ]  # fmt: skip
    history = [
        LabelledTicket("generic", "n", "network", "VPN down", "the vpn tunnel drops"),
        LabelledTicket("generic", "n", "network", "Wifi", "no wifi on floor 2"),
        LabelledTicket("generic", "f", "facilities", "Lockers", "I need a locker"),
        LabelledTicket("generic", "f", "facilities", "Parking", "parking badge broken"),
        LabelledTicket("generic", "n", "network", "Firewall", "open a firewall rule"),
        LabelledTicket("generic", "f", "facilities", "Too cold", "heating is off"),
    ]
    found = stacking.fit_profiles(
        teams=teams, history=history, provider=get_provider(), keyword_map={}
    )
    assert set(found) == {"topic", "lexical", "lexical_topic", "keyword", "temperature"}
    assert found["temperature"] > 0 and all(value >= 0 for value in found.values())


@pytest.mark.django_db
def test_a_decision_taken_before_topics_reads_with_a_blank_topic(client):
    from routing.models import AllocationDecision
    from tests import factories

    ticket = factories.TicketFactory()
    old = {"provider": "wordllama", "category": "", "confidence": 0.8, "threshold": 0.4,
           "needs_triage": False, "shortlist": ["a"], "keyword_category": "",
           "classifier_category": "",
           "teams": [{"team_id": "a", "name": "Net", "similarity": 0.5,
                      "probability": 0.8}]}  # fmt: skip
    decision = AllocationDecision.objects.create(
        ticket=ticket, event="ticket.created", method="scoring", team=ticket.team,
        team_name=ticket.team.name, scores={}, rationale="", confidence=0.8, triage=old,
    )  # fmt: skip
    client.force_login(factories.ManagerFactory())
    body = client.get(f"/api/v1/routing/decisions/{decision.pk}/").json()
    assert body["triage"]["teams"] == [
        {"team_id": "a", "name": "Net", "similarity": 0.5, "probability": 0.8, "topic": ""}
    ]


@pytest.mark.django_db
def test_topics_are_read_with_the_glossary_and_again_when_it_changes(settings):
    team = Team(name="Print", description="Imprimante bloquée, toner", capabilities=[])
    provider = get_provider()
    settings.TRIAGE_GLOSSARY = False
    plain = service.topic_vectors(team, provider)
    settings.TRIAGE_GLOSSARY = True
    annotated = service.topic_vectors(team, provider)
    # "Imprimante bloquée" reads "... / printer ..." with the glossary: another vector
    assert not np.allclose(plain[0], annotated[0])
    assert np.allclose(plain[1], annotated[1])  # "toner" is the same in both
