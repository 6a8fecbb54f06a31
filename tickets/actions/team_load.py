"""Rebuilding the team load counts (tickets.TeamLoad) from the tickets, for when they drifted:
a restore or a bulk load that bypassed the database's triggers, a hand edit in SQL. The
triggers keep them in every other case (tickets/load_triggers.py); routing reads them as each
team's load."""

from dataclasses import dataclass

from django.db import connection, transaction

from core.audit import record_audit
from tickets import load_triggers
from tickets.models import TeamLoadTotal, Ticket


@dataclass(frozen=True)
class Recount:
    keys: int  # (team, status, priority) with tickets, after
    corrected: int  # of all keys before or after, those whose count changed


def _counts() -> dict[tuple, int]:
    """Each key's count as routing sums it (the view over the slots, zeros left out)."""
    rows = TeamLoadTotal.objects.values_list("team_id", "status", "priority", "tickets")
    return {(team, status, priority): n for team, status, priority, n in rows}


@transaction.atomic
def recount_team_load(*, actor) -> Recount:
    """Every count from the tickets, in one transaction. On PostgreSQL ticket writes wait for
    it (a SHARE lock on the ticket table: reads go on): a count moved by a transaction that
    committed in between would otherwise be lost. SQLite has one writer at a time already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Ticket._meta.db_table} IN SHARE MODE")
    before = _counts()
    load_triggers.recount(connection)
    after = _counts()
    corrected = sum(before.get(key) != after.get(key) for key in before.keys() | after.keys())
    result = Recount(keys=len(after), corrected=corrected)
    record_audit(
        actor=actor,
        action="team_load.recounted",
        data={"keys": result.keys, "corrected": result.corrected},
    )
    return result
