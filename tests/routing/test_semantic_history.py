"""What triage learns and reads beyond the profiles: the service-desk glossary applied before
embedding, each team's lessons as an n-gram centroid (learning from transfers and
resolutions), lessons moved to a new provider by ``triage_embed``, and the decisions API's
``triage`` document."""

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command

from routing.actions.route import route_ticket
from routing.models import TriageLesson, TriageVector
from routing.semantic import blend, glossary, service
from routing.semantic.lexical import Lesson, Lexicon
from routing.semantic.vectors import from_bytes
from tests import factories
from tests.routing.factories import unrouted_ticket

# The triage module's fixtures: semantic triage on with the hashing provider (autouse), an
# admin and two teams with profiles.
from tests.routing.test_semantic_triage import (  # noqa: F401 (fixtures)
    admin_user,
    network,
    printing,
    semantic,
)
from tickets.actions.updates import update_ticket

pytestmark = pytest.mark.django_db


# --- the glossary -------------------------------------------------------------------------


def test_fold_lowers_and_drops_accents():
    assert glossary.fold("Réseau Größe ÑANDÚ") == "reseau grosse nandu"


def test_the_bundled_glossary_translates_words_phrases_inflections_and_compounds():
    words = glossary.current()
    assert words.english("Mot de passe oublié") == "password"
    assert words.english("imprimantes") == "printer"  # imprimante* (plural)
    assert "password" in words.english("Das Windowskennwort ist abgelaufen").split()
    assert "printer" in words.english("Druckerwarteschlange").split()  # a compound
    assert "queue" in words.english("Druckerwarteschlange").split()
    assert words.english("La impresora no imprime") == "printer"
    assert words.english("Outlook keeps asking for my password") == ""  # English stays
    assert words.annotate("Kennwort") == "Kennwort\npassword"  # the original words stay


def test_an_installations_own_file_extends_and_overrides_the_glossary(settings, tmp_path):
    extra = tmp_path / "ours.json"
    extra.write_text(json.dumps({"nl": {"wachtwoord": "password"}, "fr": {"panne": "outage"}}))
    settings.TRIAGE_GLOSSARY_FILES = [str(extra)]
    words = glossary.current()
    assert words.english("wachtwoord vergeten") == "password"
    assert words.english("panne") == "outage"  # later files win


def test_the_glossary_can_be_turned_off(settings):
    settings.TRIAGE_GLOSSARY = False
    assert glossary.current().english("Mot de passe") == ""


def test_a_french_ticket_reaches_the_english_profile_through_the_glossary(
    settings,
    network,  # noqa: F811
    printing,  # noqa: F811
):
    def printing_probability() -> float:
        service.forget()
        result = service.triage_ticket("Imprimante bloquée", "bourrage papier", {})
        return next(t.probability for t in result.teams if t.name == "Print")

    settings.TRIAGE_GLOSSARY = False
    without = printing_probability()
    settings.TRIAGE_GLOSSARY = True
    with_glossary = printing_probability()
    assert with_glossary > without
    assert with_glossary > 0.5


# --- lessons as n-grams -------------------------------------------------------------------


def test_the_lexicon_keeps_one_centroid_per_team_and_only_transforms_new_lessons():
    # "badge" is in the first profile; the second team's lessons teach it to the second.
    words = Lexicon(["wifi vpn network badge", "printer toner"])
    words.learn([Lesson((1,), 1, "badge reader broken", ""), Lesson((2,), 1, "lost badge", "")])
    assert list(words.counts) == [0, 2]
    profile, learned, _ = words.scores("my badge does not work", "")
    assert learned[1] > 0.2 and learned[0] == 0 and profile[0] > profile[1]
    kept = words.rows[(1,)]
    # Lesson 2 moved to team 0 (a new key) and lesson 1 stays: only the moved one is new.
    words.learn([Lesson((1,), 1, "badge reader broken", ""), Lesson((3,), 0, "lost badge", "")])
    assert words.rows[(1,)] is kept
    assert set(words.rows) == {(1,), (3,)}
    assert list(words.counts) == [1, 1]
    words.learn([])
    assert words.scores("badge", "").learned is None and list(words.counts) == [0, 0]


def test_a_lessons_weight_grows_with_how_many_the_team_has():
    weights = blend.BlendWeights(lexical=0.0, keyword=0.0)
    team = blend.TeamVector("a", "A", (), np.zeros(2, dtype=np.float32))
    other = blend.TeamVector("b", "B", (), np.zeros(2, dtype=np.float32))

    def score(count: int) -> float:
        ranked = blend.rank_teams(
            np.zeros(2),
            [team, other],
            blend.Signals(),
            weights,
            learned_lexical=np.array([0.5, 0.0]),
            lesson_counts=np.array([count, 0.0]),
        )
        return next(r.score for r in ranked if r.team_id == "a")

    assert score(0) == 0
    assert 0 < score(2) < score(10) < score(100) < 0.5


def test_transfers_and_resolutions_teach_the_final_teams_lexical_profile(
    admin_user,  # noqa: F811
    network,  # noqa: F811
    printing,  # noqa: F811
    settings,
):
    # Three lessons weigh 3/4 (default: 3/13), and at the centroid's weight before the fitted
    # one (1.0, not 0.46): the test is about which team learns, not how much it counts.
    settings.TRIAGE_BLEND = {"lexical_half": 1.0, "learned_lexical": 1.0}

    def printing_learned() -> float:
        learned = service.state().lexicon.scores("badge reader at the door", "").learned
        return 0.0 if learned is None else learned[service.state().lexicon.ids.index(printing.pk)]

    assert printing_learned() == 0.0
    for title in ["badge reader broken", "door badge does not open", "lost my badge"]:
        ticket = unrouted_ticket(category="", title=title, description="")
        route_ticket(ticket_id=ticket.pk)
        update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": network})
        update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": printing})
    lexicon = service.state().lexicon
    counts = dict(zip(lexicon.ids, lexicon.counts, strict=True))
    assert counts == {network.pk: 0, printing.pk: 3}  # the final team, not the first
    assert printing_learned() > 0.3
    result = service.triage_ticket("badge reader at the door", "", {})
    assert result.teams[0].name == "Print"


# --- a provider change --------------------------------------------------------------------


def test_triage_embed_moves_lessons_of_another_provider_to_the_configured_one(
    admin_user,  # noqa: F811
    network,  # noqa: F811
    printing,  # noqa: F811
):
    ticket = unrouted_ticket(category="", title="vpn keeps dropping", description="at home")
    route_ticket(ticket_id=ticket.pk)  # to network: the transfer below teaches printing
    update_ticket(ticket_id=ticket.pk, actor=admin_user, changes={"team": printing})
    assert TriageLesson.objects.get(ticket=ticket).team == printing
    TriageLesson.objects.update(provider="old", vector=b"\x00" * 12)
    TriageVector.objects.filter(team=printing).update(learned_sum=None, learned_count=0)
    out = StringIO()
    call_command("triage_embed", stdout=out)
    assert "and 1 lesson(s)" in out.getvalue()
    lesson = TriageLesson.objects.get(ticket=ticket)
    expected = service.ticket_vector(ticket.title, ticket.description)
    assert lesson.provider == "hashing"
    assert np.allclose(from_bytes(lesson.vector), expected)
    row = TriageVector.objects.get(kind="team", team=printing, provider="hashing")
    assert row.learned_count == 1
    assert np.allclose(from_bytes(row.learned_sum), expected)
    call_command("triage_embed", stdout=out)  # nothing left to move
    assert "and 0 lesson(s)" in out.getvalue().splitlines()[-1]


# --- the decisions API --------------------------------------------------------------------


def test_the_decisions_api_shows_the_triage_document(
    client,
    network,  # noqa: F811
    printing,  # noqa: F811
):
    manager = factories.ManagerFactory()
    client.force_login(manager)
    read = unrouted_ticket(category="", title="Printer jam", description="paper jam, toner low")
    decision = route_ticket(ticket_id=read.pk)
    body = client.get(f"/api/v1/routing/decisions/{decision.pk}/").json()
    assert body["triage"] == decision.triage
    assert body["triage"]["provider"] == "hashing"
    assert body["triage"]["teams"][0]["name"] == "Print"
    assert set(body["triage"]) >= {"confidence", "needs_triage", "shortlist", "category"}
    assert body["triage"]["teams"][0]["topic"]  # what Print's profile matched
    with_category = unrouted_ticket(category="network", title="vpn")
    other = route_ticket(ticket_id=with_category.pk)
    listed = client.get("/api/v1/routing/decisions/?page_size=10").json()["results"]
    by_id = {row["decision_id"]: row for row in listed}
    assert by_id[str(other.pk)]["triage"] is None  # no triage ran: it had a category
    assert by_id[str(decision.pk)]["triage"]["category"] == decision.triage["category"]
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    fields = schema["components"]["schemas"]["Decision"]["properties"]["triage"]
    assert "Triage" in json.dumps(fields)
    assert "needs_triage" in schema["components"]["schemas"]["Triage"]["properties"]
