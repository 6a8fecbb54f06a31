"""The ticket page: what each role sees, the actions through the services, errors inline."""

import pytest
from django.test import Client
from django.urls import reverse

from escalations.actions import envelopes
from routing.models import AllocationDecision
from sla.actions.clocks import start_clock
from tests import factories
from tickets.actions import lifecycle
from tickets.models import TimelineEntry

pytestmark = pytest.mark.django_db

SCORES = {
    "capability": 0.9,
    "availability": 0.5,
    "proximity": 0.25,
    "velocity": 0.6,
    "performance": 0.8,
    "affinity": 0.0,
    "competency": 0.7,
    "composite": 0.66,
}


def url(ticket, action=None):
    if action is None:
        return reverse("desk:detail", args=[ticket.pk])
    return reverse("desk:action", args=[ticket.pk, action])


def entry(ticket, visibility, content):
    return factories.TimelineEntryFactory(ticket=ticket, visibility=visibility, content=content)


def test_staff_see_internal_notes_and_requesters_do_not(client, agent, requester, ticket):
    entry(ticket, "public", "We are on it")
    entry(ticket, "internal", "Secret root cause")

    client.force_login(agent)
    staff_page = client.get(url(ticket)).content.decode()
    client.force_login(requester)
    portal_page = client.get(url(ticket)).content.decode()

    assert "We are on it" in staff_page and "Secret root cause" in staff_page
    assert "We are on it" in portal_page
    assert "Secret root cause" not in portal_page
    assert 'id="envelopes"' not in portal_page and 'id="allocation"' not in portal_page


def test_tickets_out_of_sight_are_not_found(client, other_agent, requester, ticket):
    client.force_login(other_agent)
    assert client.get(url(ticket)).status_code == 404
    assert client.post(url(ticket, "accept")).status_code == 404
    stranger = factories.RequesterFactory()
    client.force_login(stranger)
    assert client.get(url(ticket)).status_code == 404


def test_the_allocation_is_explained_with_score_bars_and_runners_up(client, agent, ticket, team):
    AllocationDecision.objects.create(
        ticket=ticket,
        event="ticket.created",
        method="scoring",
        team=team,
        team_name=team.name,
        scores=SCORES,
        candidates=[
            {"group_id": str(team.pk), "group_name": team.name, "composite": 0.66, "scores": {}},
            {"group_id": "x", "group_name": "Runner Up Team", "composite": 0.41, "scores": {}},
        ],
        rationale="Best capability match.",
        confidence=0.8,
    )
    client.force_login(agent)

    response = client.get(url(ticket))

    bars = response.context["allocation"]["bars"]
    assert [bar["name"] for bar in bars] == [
        "capability", "availability", "proximity", "velocity",
        "performance", "affinity", "competency",
    ]  # fmt: skip
    assert bars[0]["percent"] == 90
    body = response.content.decode()
    assert 'class="bar-fill" data-percent="90"' in body
    assert "Best capability match." in body and "Runner Up Team" in body


def test_sla_clocks_are_shown_as_countdowns(client, agent, ticket):
    from tests.sla.factories import PolicyFactory

    PolicyFactory(first_response_minutes=60, resolution_minutes=240)
    start_clock(ticket_id=ticket.pk)
    client.force_login(agent)
    body = client.get(url(ticket)).content.decode()
    assert body.count('class="countdown"') == 2
    assert "sla-ok" in body


def test_user_content_is_escaped(client, agent, team, requester):
    ticket = factories.TicketFactory(
        team=team, requester=requester.contact, title="<img src=x onerror=alert(1)>"
    )
    entry(ticket, "public", "<script>steal()</script>")
    client.force_login(agent)
    body = client.get(url(ticket)).content.decode()
    assert "<img src=x" not in body and "<script>steal()" not in body
    assert "&lt;script&gt;steal()&lt;/script&gt;" in body


def test_accept_then_a_second_agent_gets_a_clear_message(client, agent, team, ticket):
    second = factories.AgentFactory(teams=[team])
    late = Client()
    late.force_login(second)
    late_page = late.get(url(ticket)).content.decode()
    assert "Accept" in late_page  # both saw the button

    client.force_login(agent)
    assert client.post(url(ticket, "accept"))["Location"] == url(ticket)
    response = late.post(url(ticket, "accept"))

    assert response.status_code == 409
    assert f"Ticket {ticket.reference} is already owned." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.owner == agent


def test_actions_show_only_when_allowed(client, agent, owned):
    client.force_login(agent)
    actions = client.get(url(owned)).context["actions"]
    assert actions == {"wait", "resolve", "escalate", "reply"}


def test_the_owner_walks_the_lifecycle(client, agent, owned):
    client.force_login(agent)
    for action, data, status in [
        ("wait", {"reason": "Need logs"}, "waiting"),
        ("resume", {}, "in_progress"),
        ("resolve", {"resolution": "Rebooted the router"}, "resolved"),
        ("reopen", {"reason": "Back again"}, "in_progress"),
    ]:
        response = client.post(url(owned, action), data)
        assert response.status_code == 302, response.content
        owned.refresh_from_db()
        assert owned.status == status


def test_resolve_without_a_resolution_is_refused_inline(client, agent, owned):
    client.force_login(agent)
    response = client.post(url(owned, "resolve"), {"resolution": ""})
    assert response.status_code == 400
    assert "Say how the ticket was resolved." in response.content.decode()


def test_a_transition_that_is_not_allowed_says_so(client, agent, owned):
    client.force_login(agent)
    response = client.post(url(owned, "reopen"))
    assert response.status_code == 409
    assert "cannot go from" in response.content.decode()


def test_actions_refuse_get_and_unknown_names(client, agent, owned):
    client.force_login(agent)
    assert client.get(url(owned, "resolve")).status_code == 405
    assert client.post(url(owned, "explode")).status_code == 404


def test_forms_need_the_csrf_token(agent, ticket):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(agent)
    assert strict.post(url(ticket, "accept")).status_code == 403
    ticket.refresh_from_db()
    assert ticket.owner is None


def test_the_composer_posts_public_replies_and_internal_notes(client, agent, owned):
    client.force_login(agent)
    post = reverse("desk:post-entry", args=[owned.pk])
    client.post(post, {"content": "Try again now", "visibility": "public"})
    client.post(post, {"content": "Router firmware bug", "visibility": "internal"})

    entries = owned.timeline.filter(type="note").values_list("visibility", "content")
    assert set(entries) == {("public", "Try again now"), ("internal", "Router firmware bug")}
    body = client.get(url(owned)).content.decode()
    assert "entry-internal" in body and "entry-public" in body


def test_requesters_reply_publicly_and_cannot_post_internal_notes(client, requester, ticket):
    client.force_login(requester)
    post = reverse("desk:post-entry", args=[ticket.pk])

    ok = client.post(post, {"content": "Still broken", "visibility": "public"})
    refused = client.post(post, {"content": "sneaky", "visibility": "internal"})

    assert ok.status_code == 302
    assert refused.status_code == 403
    assert "Requesters may only post public entries." in refused.content.decode()
    assert "sneaky" in refused.content.decode()  # the draft is kept
    assert list(ticket.timeline.filter(type="note").values_list("content", flat=True)) == [
        "Still broken"
    ]


def test_an_empty_reply_is_refused_inline(client, agent, owned):
    client.force_login(agent)
    response = client.post(reverse("desk:post-entry", args=[owned.pk]), {"content": " "})
    assert response.status_code == 400
    assert "Write something or attach a file." in response.content.decode()


def test_escalating_opens_an_envelope_that_the_expert_accepts_and_completes(
    client, agent, owned, other_team, other_agent
):
    client.force_login(agent)
    response = client.post(
        reverse("desk:open-envelope", args=[owned.pk]),
        {"team": str(other_team.pk), "reason": "Need SAP eyes"},
    )
    assert response.status_code == 302
    envelope = owned.envelopes.get()
    owned.refresh_from_db()
    assert owned.status == "escalated"

    expert = Client()
    expert.force_login(other_agent)
    page = expert.get(url(owned))
    assert page.context["envelopes"][0].may_accept
    envelope_url = "desk:envelope-action"
    assert expert.post(reverse(envelope_url, args=[envelope.pk, "accept"])).status_code == 302
    expert.post(reverse(envelope_url, args=[envelope.pk, "post"]), {"content": "Looking"})
    expert.post(reverse(envelope_url, args=[envelope.pk, "complete"]), {"summary": "Fixed SAP"})

    envelope.refresh_from_db()
    owned.refresh_from_db()
    assert envelope.status == "completed"
    assert owned.status == "in_progress"
    body = client.get(url(owned)).content.decode()
    assert "Looking" in body and "Fixed SAP" in body


def test_escalating_without_a_target_is_refused_inline(client, agent, owned):
    client.force_login(agent)
    response = client.post(reverse("desk:open-envelope", args=[owned.pk]), {"reason": "x"})
    assert response.status_code == 400
    assert "Name a team, an agent, or both." in response.content.decode()


def test_requesters_never_see_envelope_threads(client, agent, owned, other_team, requester):
    envelopes.open_envelope(
        ticket_id=owned.pk, actor=agent, team=other_team, reason="Internal expertise talk"
    )
    client.force_login(requester)
    body = client.get(url(owned)).content.decode()
    assert "Internal expertise talk" not in body
    assert "Envelope opened" not in body  # system entries are internal


def test_the_requester_can_reopen_and_close_their_resolved_ticket(client, agent, owned, requester):
    lifecycle.resolve_ticket(ticket_id=owned.pk, actor=agent, resolution="Done")
    client.force_login(requester)
    assert client.get(url(owned)).context["actions"] == {"reopen", "close", "reply"}
    assert client.post(url(owned, "close")).status_code == 302
    owned.refresh_from_db()
    assert owned.status == "closed"


@pytest.mark.parametrize("rows", [5, 50])
def test_the_page_runs_a_constant_number_of_queries(
    client, agent, owned, other_team, django_assert_max_num_queries, rows
):
    for n in range(rows):
        entry(owned, "public" if n % 2 else "internal", f"entry {n}")
        factories.TaskFactory(ticket=owned, assigned_to=agent)
    envelope = envelopes.open_envelope(
        ticket_id=owned.pk, actor=agent, team=other_team, reason="Need help"
    )
    for n in range(rows):
        factories.TimelineEntryFactory(
            ticket=owned,
            envelope=envelope,
            visibility=TimelineEntry.Visibility.ENVELOPE_ONLY,
            content=f"thread {n}",
        )
    client.force_login(agent)
    client.get(url(owned))

    # 15: the composer adds two (each entry's minutes, the canned responses to pick from).
    with django_assert_max_num_queries(15):
        response = client.get(url(owned))
    assert response.status_code == 200
    assert len(response.context["timeline"]) >= rows


def test_a_reply_written_against_an_outdated_timeline_warns_before_sending(client, agent, owned):
    client.force_login(agent)
    seen = len(client.get(url(owned)).context["timeline"])
    entry(owned, "public", "Meanwhile the requester wrote this")
    post = reverse("desk:post-entry", args=[owned.pk])
    data = {"content": "My answer", "visibility": "internal", "seen": seen}

    warned = client.post(post, data)

    body = warned.content.decode()
    assert warned.status_code == 409
    assert 'id="stale-warning"' in body and "Meanwhile the requester wrote this" in body
    assert "My answer" in body and 'value="internal" checked' in body
    assert not owned.timeline.filter(content="My answer").exists()

    sent = client.post(post, data | {"send_anyway": "yes"})
    assert sent.status_code == 302
    assert owned.timeline.filter(content="My answer", visibility="internal").exists()


def test_a_reply_on_the_current_timeline_is_sent_at_once(client, agent, owned):
    client.force_login(agent)
    seen = len(client.get(url(owned)).context["timeline"])
    response = client.post(
        reverse("desk:post-entry", args=[owned.pk]),
        {"content": "Up to date", "visibility": "public", "seen": seen},
    )
    assert response.status_code == 302
