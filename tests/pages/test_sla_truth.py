"""Every SLA clock shows its real state on the agent and requester pages: met, paused,
breached, at risk, on track or none; a countdown only for a target still running; times in
the viewer's zone, relative, with the absolute time on hover."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core.templatetags.when import countdown_text, relative_text
from sla.actions.clocks import start_clock
from sla.clocks import ClockFacts, Milestones, TargetState, target_state
from sla.models import SLAClock
from tests import factories
from tickets.actions import lifecycle, ownership

pytestmark = pytest.mark.django_db

COUNTDOWN = 'class="countdown"'


def detail(client, ticket) -> str:
    return client.get(f"/tickets/{ticket.pk}/").content.decode()


def sla_of(body: str) -> str:
    """The SLA cell of the detail page's facts."""
    return body.split("<dt>SLA</dt>", 1)[1].split("</dd>", 1)[0]


def test_a_resolved_ticket_whose_clock_was_met_shows_met_and_no_countdown(
    client, agent, ticket, policy
):
    start_clock(ticket_id=ticket.pk)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Rebooted")
    client.force_login(agent)

    for body in (detail(client, ticket), client.get("/tickets/?status=resolved").content.decode()):
        assert 'data-sla-state="met"' in body
        assert ">Met<" in body
        assert COUNTDOWN not in body
        # The countdown's words in a time element: the ticket's own (random) text may say "left".
        assert not re.search(r">[^<]* left</time>|>overdue [^<]*</time>", body)
        assert 'class="clock clock-met" data-target="resolution"' in body


def test_the_requester_sees_the_met_clock_too(client, agent, requester, ticket, policy):
    start_clock(ticket_id=ticket.pk)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Rebooted")
    client.force_login(requester)

    for body in (detail(client, ticket), client.get("/tickets/").content.decode()):
        assert 'data-sla-state="met"' in body and COUNTDOWN not in body


def test_a_waiting_ticket_shows_paused_without_a_countdown(client, agent, ticket, policy):
    start_clock(ticket_id=ticket.pk)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    lifecycle.wait_ticket(ticket_id=ticket.pk, actor=agent, reason="Asked for logs")
    client.force_login(agent)

    cell = sla_of(detail(client, ticket))
    assert 'data-sla-state="paused"' in cell and ">Paused<" in cell
    assert "paused since" in cell
    # The response was given by accepting; the resolution target waits, it does not tick.
    assert COUNTDOWN not in cell
    assert 'class="clock clock-paused" data-target="resolution"' in cell


def move_clock(ticket, **minutes_from_now) -> None:
    """Place the stored instants of the ticket's clock relative to now (the policy matched
    depends on the seeded defaults and their business hours; the state is what is tested)."""
    now = timezone.now()
    instants = {name: now + timedelta(minutes=m) for name, m in minutes_from_now.items()}
    SLAClock.objects.filter(ticket=ticket).update(**instants)


def test_a_running_clock_past_its_warning_is_at_risk_and_counts_down(client, agent, ticket, policy):
    start_clock(ticket_id=ticket.pk)
    move_clock(ticket, first_response_warn_at=-5, first_response_due=10)
    client.force_login(agent)

    cell = sla_of(detail(client, ticket))
    assert 'data-sla-state="warning"' in cell and ">At risk<" in cell
    assert cell.count(COUNTDOWN) == 2  # both targets still run
    assert re.search(r"class=\"countdown\" datetime=\"[^\"]+\" data-warn=\"[^\"]+\"", cell)
    assert re.search(r">(9|10)m left</time>", cell)


def test_a_breached_running_clock_shows_breached_and_overdue(client, agent, ticket, policy):
    start_clock(ticket_id=ticket.pk)
    move_clock(ticket, first_response_warn_at=-45, first_response_due=-30)
    client.force_login(agent)

    cell = sla_of(detail(client, ticket))
    assert 'data-sla-state="breached"' in cell and ">Breached<" in cell
    assert re.search(r">overdue (29|30)m</time>", cell)  # still running: it counts on
    assert 'class="clock clock-breached" data-target="first_response"' in cell


def test_a_ticket_without_a_clock_says_so(client, agent, ticket):
    client.force_login(agent)
    assert "no SLA" in sla_of(detail(client, ticket))


def test_times_are_in_the_agents_zone_with_the_absolute_time_on_hover(
    client, agent, ticket, policy
):
    agent.agent_profile.timezone = "Asia/Tokyo"
    agent.agent_profile.save()
    start_clock(ticket_id=ticket.pk)
    client.force_login(agent)

    body = client.get("/tickets/").content.decode()
    created = re.search(r'<time class="relative" datetime="([^"]+)" title="([^"]+)">([^<]+)<', body)
    assert created is not None
    assert created.group(1).endswith("+09:00")
    assert created.group(2).endswith("JST")
    assert created.group(3) == "just now"
    assert 'title="due ' in body and "JST" in body


def test_times_are_in_the_requesters_zone_and_utc_by_default(client, requester, ticket, policy):
    start_clock(ticket_id=ticket.pk)
    client.force_login(requester)
    assert "+00:00" in client.get("/tickets/").content.decode()

    requester.contact.timezone = "America/New_York"
    requester.contact.save()
    body = client.get("/tickets/").content.decode()
    assert re.search(r'datetime="[^"]+-0[45]:00" title="[^"]+ E[SD]T"', body)


def test_relative_and_countdown_wording():
    now = timezone.now()
    assert relative_text(now - timedelta(seconds=20), now) == "just now"
    assert relative_text(now - timedelta(minutes=5), now) == "5 min ago"
    assert relative_text(now + timedelta(hours=2, minutes=10), now) == "in 2 h"
    assert relative_text(now - timedelta(days=3), now) == "3 d ago"
    assert countdown_text(now + timedelta(minutes=10, seconds=5), now) == "10m left"
    assert countdown_text(now - timedelta(days=1, minutes=3), now) == "overdue 1d 0h 3m"


def test_each_target_has_its_own_state():
    t0 = timezone.now()
    stones = Milestones(warn_at=t0 + timedelta(minutes=45), due_at=t0 + timedelta(minutes=60))
    late = ClockFacts(first_response=stones, resolution=stones)

    def state(facts, minutes, name="resolution"):
        return target_state(facts, name, t0 + timedelta(minutes=minutes))

    assert state(late, 10) == TargetState.RUNNING
    assert state(late, 50) == TargetState.WARNING
    assert state(late, 61) == TargetState.BREACHED
    met = ClockFacts(first_response=stones, resolution=stones, resolution_met_at=t0)
    assert state(met, 500) == TargetState.MET
    met_late = ClockFacts(
        first_response=stones, resolution=stones, resolution_met_at=t0 + timedelta(minutes=70)
    )
    assert state(met_late, 500) == TargetState.BREACHED
    paused = ClockFacts(first_response=stones, resolution=stones, paused=True)
    assert state(paused, 50) == TargetState.PAUSED


def test_a_list_of_mixed_clocks_runs_a_constant_number_of_queries(
    client, agent, team, policy, django_assert_max_num_queries
):
    for index in range(6):
        done = factories.TicketFactory(team=team)
        start_clock(ticket_id=done.pk)
        if index % 2:
            ownership.accept_ticket(ticket_id=done.pk, actor=agent)
            lifecycle.resolve_ticket(ticket_id=done.pk, actor=agent, resolution="Done")
    client.force_login(agent)
    client.get("/")
    with django_assert_max_num_queries(10):
        body = client.get("/tickets/?sort=-created").content.decode()
    assert body.count('data-sla-state="met"') == 3


def test_the_lists_sla_filter_offers_the_states_by_their_labels(client, agent):
    client.force_login(agent)
    html = client.get("/tickets/").content.decode()
    select = html.split('name="sla_state"', 1)[1].split("</select>", 1)[0]
    assert '<option value="warning">At risk</option>' in select
    assert '<option value="met">Met</option>' in select


def test_a_breached_clock_that_waits_shows_breached_without_a_running_countdown(
    client, agent, ticket, policy
):
    start_clock(ticket_id=ticket.pk)
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    move_clock(ticket, resolution_warn_at=-45, resolution_due=-30)
    SLAClock.objects.filter(ticket=ticket).update(paused_since=timezone.now())
    client.force_login(agent)

    cell = sla_of(detail(client, ticket))
    assert 'data-sla-state="breached"' in cell
    assert 'class="clock clock-breached" data-target="resolution"' in cell
    assert COUNTDOWN not in cell and "paused since" in cell
