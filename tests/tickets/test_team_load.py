"""tickets.TeamLoad: the counts of each team's tickets per status and priority, kept by the
database's triggers through every kind of write, and what routing reads as a team's load."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection, connections, transaction
from django.db.models import Count, Sum
from django.urls import reverse

from core.models import AuditLog
from routing.selectors import RUNNING_STATUSES, groups
from routing.team_reads import team_snapshots
from tests import factories
from tests.tickets.test_concurrency import run_together
from tickets import load_triggers
from tickets.actions.decisions import TicketDecision, apply_decision
from tickets.actions.team_load import recount_team_load
from tickets.guards import owner_write_allowed
from tickets.models import TeamLoad, TeamLoadTotal, Ticket

pytestmark = pytest.mark.django_db


def counted() -> dict:
    """Each key's count: the sum over its slots."""
    rows = (
        TeamLoad.objects.values_list("team_id", "status", "priority")
        .annotate(n=Sum("tickets"))
        .exclude(n=0)
        .order_by()
    )
    return {(team, status, priority): n for team, status, priority, n in rows}


def truth() -> dict:
    rows = (
        Ticket.objects.filter(team__isnull=False)
        .values_list("team_id", "status", "priority")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(team, status, priority): n for team, status, priority, n in rows}


def test_the_counts_follow_every_kind_of_write():
    red, blue = factories.TeamFactory(), factories.TeamFactory()
    tickets = factories.TicketFactory.create_batch(3, team=red, priority="high", status="new")
    factories.TicketFactory(team=None)  # not counted anywhere
    assert counted() == {(red.pk, "new", "high"): 3}

    first, second, third = tickets
    first.priority = "critical"
    first.save()  # a save
    with owner_write_allowed():  # accepted: a status change
        first.owner, first.status = factories.AgentFactory(teams=[red]), "in_progress"
        first.save()
    Ticket.objects.filter(pk=second.pk).update(team=blue, priority="low")  # a queryset update
    Ticket.objects.filter(pk=third.pk).update(team=None)  # unassigned
    Ticket.objects.bulk_create(
        [
            Ticket(reference=f"BULK-{n}", title="bulk", team=blue, requester=first.requester)
            for n in range(2)
        ]
    )
    assert (
        counted()
        == truth()
        == {
            (red.pk, "in_progress", "critical"): 1,
            (blue.pk, "new", "low"): 1,
            (blue.pk, "new", "medium"): 2,
        }
    )
    Ticket.objects.filter(team=blue).delete()
    assert counted() == truth() == {(red.pk, "in_progress", "critical"): 1}


def _in_slots(team, status: str, priority: str, *counts: int) -> None:
    """Rows in slots 1, 2, ... as concurrent transactions leave them (PostgreSQL); written
    straight to the table, which only the triggers write in the product."""
    TeamLoad.objects.bulk_create(
        TeamLoad(team=team, status=status, priority=priority, slot=slot, tickets=n)
        for slot, n in enumerate(counts, start=1)
    )


def test_the_totals_view_sums_each_key_over_its_slots_and_leaves_out_zeros():
    team = factories.TeamFactory()
    factories.TicketFactory.create_batch(3, team=team, priority="high", status="new")
    _in_slots(team, "new", "high", 2, -1)  # one ticket more, in two transactions' slots
    _in_slots(team, "waiting", "low", 1, -1)  # in and out again: nothing
    totals = {
        (row.team_id, row.status, row.priority): row.tickets for row in TeamLoadTotal.objects.all()
    }
    assert totals == counted() == {(team.pk, "new", "high"): 4}


@pytest.mark.parametrize("teams", [2, 12])
def test_the_admin_lists_team_load_summed_in_constant_queries(
    client, admin_user, teams, django_assert_max_num_queries
):
    for team in factories.TeamFactory.create_batch(teams):
        factories.TicketFactory.create_batch(2, team=team, priority="low", status="new")
        _in_slots(team, "new", "low", 3, -1)
    client.force_login(admin_user)
    # session, user, the team filter's teams, the count, the menu's triage settings, the rows,
    # the status and priority filters' values
    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:tickets_teamloadtotal_changelist"))
    assert response.status_code == 200
    shown = response.context["cl"].result_list
    assert len(shown) == teams and {row.tickets for row in shown} == {4}
    assert "delete_selected" not in response.content.decode()  # nor a load row deleted


def test_no_load_row_is_deleted_through_the_admin(client, admin_user):
    factories.TicketFactory(priority="low", status="new")
    row = TeamLoad.objects.get()
    client.force_login(admin_user)
    deleting = client.post(reverse("admin:tickets_teamload_delete", args=[row.pk]), {"post": "yes"})
    assert deleting.status_code == 403
    assert TeamLoad.objects.filter(pk=row.pk, tickets=1).exists()


def test_recount_rebuilds_counts_that_drifted():
    team = factories.TeamFactory()
    factories.TicketFactory.create_batch(2, team=team, priority="low", status="new")
    TeamLoad.objects.update(tickets=40)  # drifted (a manual edit, a restore without triggers)
    load_triggers.recount()
    assert counted() == truth() == {(team.pk, "new", "low"): 2}


def test_the_recount_command_rebuilds_drifted_counts_and_is_audited():
    team = factories.TeamFactory()
    factories.TicketFactory.create_batch(2, team=team, priority="low", status="new")
    factories.TicketFactory(team=team, priority="high", status="new")
    TeamLoad.objects.filter(priority="low").update(tickets=40)  # drifted: a restore, say
    _in_slots(team, "resolved", "low", 5)  # a key with no ticket at all
    out = io.StringIO()
    call_command("recount_team_load", stdout=out)
    assert counted() == truth() == {(team.pk, "new", "low"): 2, (team.pk, "new", "high"): 1}
    assert out.getvalue().strip() == "Recounted 2 team, status and priority counts; 2 corrected."
    audit = AuditLog.objects.get(action="team_load.recounted")
    assert audit.actor is None and audit.data == {"keys": 2, "corrected": 2}


def test_routing_weighs_a_teams_running_work_from_the_counts(django_assert_max_num_queries):
    busy = factories.TeamFactory(name="Busy")
    factories.TeamFactory(name="Idle")
    agent = factories.AgentFactory(teams=[busy])
    factories.TicketFactory.create_batch(
        2, team=busy, priority="critical", status="in_progress", owner=agent
    )
    factories.TicketFactory(team=busy, priority="low", status="waiting", owner=agent)  # paused
    factories.TicketFactory(team=busy, priority="low", status="resolved", owner=agent)  # done
    weights = {"critical": 3.0, "high": 2.0, "medium": 1.0, "low": 0.5}
    with django_assert_max_num_queries(1):
        loads = {
            snapshot.name: snapshot.load
            for snapshot in team_snapshots(
                category="network", load_per_priority=weights, running_statuses=RUNNING_STATUSES
            )
        }
    assert loads == {"Busy": 6.0, "Idle": 0.0}


def _writer():
    """A connection of its own, in a transaction, that gives up on a row lock after 1 s."""
    writer = connections.create_connection("default")
    writer.set_autocommit(False)
    with writer.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '1s'")
    return writer


def _route(writer, ticket: Ticket, team) -> None:
    with writer.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Ticket._meta.db_table} SET team_id = %s WHERE id = %s",
            [team.pk, ticket.pk],
        )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="slots are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_transactions_routing_to_one_team_do_not_wait_for_each_other():
    """Two open transactions move tickets into the same team, status and priority. With one
    count row per key the second waited for the first's commit (here: lock_timeout); each
    now counts in a slot of its own, and the sums are right once both commit."""
    team = factories.TeamFactory()
    tickets = factories.TicketFactory.create_batch(3, team=None)
    first, second = _writer(), _writer()
    try:
        _route(first, tickets[0], team)
        _route(second, tickets[1], team)  # raised "canceling statement due to lock timeout"
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    assert TeamLoad.objects.filter(team=team).count() == 2  # one slot each
    Ticket.objects.filter(pk=tickets[2].pk).update(team=team)  # alone: the lowest slot again
    Ticket.objects.filter(pk=tickets[0].pk).update(team=None)  # out, counted in its slot
    assert TeamLoad.objects.filter(team=team).count() == 2
    assert counted() == truth() == {(team.pk, "new", "medium"): 2}
    slots = TeamLoad.objects.filter(team=team).order_by("slot").values_list("slot", "tickets")
    assert list(slots) == [(0, 1), (1, 1)]
    # What routing reads sums the slots (one ticket counted in each).
    assert groups().get(pk=team.pk).current_load == 2
    loads = {
        snapshot.name: snapshot.load
        for snapshot in team_snapshots(
            category="network",
            load_per_priority={"medium": 1.0},
            running_statuses=RUNNING_STATUSES,
        )
    }
    assert loads[team.name] == 2.0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="slots are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_routing_decision_waits_for_no_other_decision_routing_to_the_same_team():
    """Through the writer routing uses (tickets.actions.decisions): a thread's transaction
    routes a ticket to the team and stays open, as a delivery batch does until it commits;
    routing another ticket to that team beside it goes through within a 1 s lock timeout
    (before the slots it was cancelled by the timeout)."""
    team = factories.TeamFactory()
    held, beside = factories.TicketFactory.create_batch(2, team=None)
    decided, routed = threading.Event(), threading.Event()

    def route(index: int) -> None:
        decision = TicketDecision(team_id=str(team.pk))
        if index == 0:  # routes and keeps its transaction open until the other has routed
            with transaction.atomic():
                apply_decision(ticket_id=held.pk, decision=decision)
                decided.set()
                routed.wait(20)
            return
        try:
            assert decided.wait(20)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '1s'")
                apply_decision(ticket_id=beside.pk, decision=decision)
        finally:
            routed.set()

    assert run_together(route, 2) == [None, None]
    assert counted() == truth() == {(team.pk, "new", "medium"): 2}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="slots are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_with_every_slot_taken_a_transaction_shares_the_first():
    team = factories.TeamFactory()
    ticket = factories.TicketFactory(team=None)
    holder = connections.create_connection("default")
    try:
        with holder.cursor() as cursor:  # as if eight transactions were writing
            for slot in range(load_triggers.SLOTS):
                cursor.execute(
                    "SELECT pg_advisory_lock(%s, %s)", [load_triggers.SLOT_LOCK_NAMESPACE, slot]
                )
        Ticket.objects.filter(pk=ticket.pk).update(team=team)
    finally:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock_all()")
        holder.close()
    assert list(TeamLoad.objects.filter(team=team).values_list("slot", "tickets")) == [(0, 1)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="slots are PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_recount_waits_for_ticket_writes_in_flight():
    """A transaction that routed a ticket and has not committed: its change sits in a slot row
    the recount cannot see. Counting beside it could count the ticket twice (in the tickets
    read and in that row, once committed), so the recount waits for it (here: lock_timeout)."""
    team = factories.TeamFactory()
    ticket = factories.TicketFactory(team=None)
    writer = _writer()
    try:
        _route(writer, ticket, team)
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '1s'")
            recount_team_load(actor=None)
        writer.commit()
    finally:
        writer.close()
    assert recount_team_load(actor=None).corrected == 0  # the trigger's count was right
    assert counted() == truth() == {(team.pk, "new", "medium"): 1}
