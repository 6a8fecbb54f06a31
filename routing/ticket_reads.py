"""The ticket read of every routing decision in one plain-SQL statement (see routing.team_reads
for why the hot reads are not built with the ORM's query builder): the ticket's routing fields
with its requester and company, its team's slug, its flags (one row each), whether it was
routed before, the team it last had, and the team of the requester's latest ticket of the same
category within the affinity window; with ``lock``, the ticket's row lock too.

Django's RawQuerySet still builds the Ticket (its field converters run, so SQLite and
PostgreSQL give the same values); the requester and company are attached as already-loaded
relations, so reading ``ticket.requester.effective_tier`` costs no query.
"""

from datetime import datetime
from functools import cache

from django.db import connection

from org.models import Team
from routing.models import AllocationDecision
from routing.sql_names import column, table
from tickets.models import CaseFlag, Company, Contact, Ticket

# The ticket's columns routing reads (and route_ticket may write back); the rest are deferred.
TICKET_FIELDS = (
    "id",
    "reference",
    "type",
    "status",
    "title",
    "description",
    "category",
    "priority",
    "urgency",
    "impact",
    "priority_score",
    "source",
    "external_metadata",
    "requester",
    "team",
    "owner",
    "created_at",
    "updated_at",
)
CONTACT_FIELDS = ("id", "email", "tier", "latitude", "longitude", "timezone", "company")


@cache
def _sql(vendor: str, with_window: bool, lock: bool, count: int = 1) -> str:
    ticket, decision = table(Ticket), table(AllocationDecision)
    tid = column(Ticket, "id")
    columns = ", ".join(f"t.{column(Ticket, f)}" for f in TICKET_FIELDS)
    contact = ", ".join(f"c.{column(Contact, f)} AS r_{f}" for f in CONTACT_FIELDS)
    previous = previous_at = "NULL"
    if with_window:
        latest = (
            f"FROM {ticket} p "
            f"WHERE p.{column(Ticket, 'requester')} = t.{column(Ticket, 'requester')} "
            f"AND p.{column(Ticket, 'category')} = t.{column(Ticket, 'category')} "
            f"AND p.{column(Ticket, 'team')} IS NOT NULL "
            f"AND p.{column(Ticket, 'created_at')} >= %s "
            f"AND p.{tid} <> t.{tid} ORDER BY p.{column(Ticket, 'created_at')} DESC LIMIT 1)"
        )
        previous = f"(SELECT p.{column(Ticket, 'team')} {latest}"
        # When it was created: a batch compares it with the tickets it routes before this one
        # (routing.actions.batch), as routing them one by one would see them.
        previous_at = f"(SELECT p.{column(Ticket, 'created_at')} {latest}"
    own_decisions = f"FROM {decision} d WHERE d.{column(AllocationDecision, 'ticket')} = t.{tid}"
    sql = (
        f"SELECT {columns}, {contact}, "  # noqa: S608 - names from _meta
        f"co.{column(Company, 'tier')} AS r_company_tier, "
        f"tm.{column(Team, 'slug')} AS team_slug, f.{column(CaseFlag, 'kind')} AS flag_kind, "
        f"EXISTS(SELECT 1 {own_decisions}) AS decided_before, "
        f"(SELECT d.{column(AllocationDecision, 'team')} {own_decisions} "
        f"AND d.{column(AllocationDecision, 'team')} IS NOT NULL "
        f"ORDER BY d.{column(AllocationDecision, 'decided_at')} DESC LIMIT 1) "
        "AS own_previous_team, "
        f"{previous} AS requester_previous_team, "
        f"{previous_at} AS requester_previous_at "
        f"FROM {ticket} t "
        f"JOIN {table(Contact)} c "
        f"ON c.{column(Contact, 'id')} = t.{column(Ticket, 'requester')} "
        f"LEFT JOIN {table(Company)} co "
        f"ON co.{column(Company, 'id')} = c.{column(Contact, 'company')} "
        f"LEFT JOIN {table(Team)} tm "
        f"ON tm.{column(Team, 'id')} = t.{column(Ticket, 'team')} "
        f"LEFT JOIN {table(CaseFlag)} f "
        f"ON f.{column(CaseFlag, 'ticket')} = t.{tid} "
        f"WHERE t.{tid} IN ({', '.join(['%s'] * count)}) ORDER BY t.{tid}"
    )
    if lock and connection.features.has_select_for_update_of:
        sql += " FOR UPDATE OF t"  # the ticket only: the joined rows stay unlocked
    return sql


def ticket_rows(ticket_id, *, since: datetime | None, lock: bool) -> list[Ticket]:
    """The ticket, once per flag (at least once); empty when there is no such ticket. Extra
    attributes: team_slug, flag_kind, decided_before, own_previous_team,
    requester_previous_team (team ids as the database returns them: see selectors.as_uuid)
    and requester_previous_at (when that previous ticket was created)."""
    return tickets_rows([ticket_id], since=since, lock=lock).get(_pk(ticket_id), [])


def tickets_rows(ticket_ids, *, since: datetime | None, lock: bool) -> dict:
    """``ticket_rows`` for many tickets in one statement (rows locked in id order), keyed by
    ticket id (UUID); a missing ticket has no key."""
    ids = list(dict.fromkeys(_pk(ticket_id) for ticket_id in ticket_ids))
    params: list = []
    if since is not None:
        params += [connection.ops.adapt_datetimefield_value(since)] * 2
    params += [Ticket._meta.pk.get_db_prep_value(ticket_id, connection) for ticket_id in ids]
    sql = _sql(connection.vendor, since is not None, lock, len(ids))
    by_ticket: dict = {}
    for row in Ticket.objects.raw(sql, params):
        by_ticket.setdefault(row.pk, []).append(row)
    for rows in by_ticket.values():
        requester = _requester(rows[0])
        for row in rows:
            row._state.fields_cache["requester"] = requester
            row.decided_before = bool(row.decided_before)
    return by_ticket


def _pk(value):
    return Ticket._meta.pk.to_python(value)


def _requester(row) -> Contact:
    # from_db takes the values in the model's field order.
    loaded = {Contact._meta.get_field(n).attname: getattr(row, f"r_{n}") for n in CONTACT_FIELDS}
    names = [f.attname for f in Contact._meta.concrete_fields if f.attname in loaded]
    contact = Contact.from_db(connection.alias, names, [loaded[name] for name in names])
    if contact.company_id is not None:
        company = Company.from_db(
            connection.alias, ["id", "tier"], [contact.company_id, row.r_company_tier]
        )
        contact._state.fields_cache["company"] = company
    return contact
