"""The triggers that keep tickets.TeamLoad: after a ticket is inserted, deleted, or changes
team, status or priority, its old (team, status, priority) count goes down by one and its new
one up by one. Installed by migration team_load_slots (team_load installed the first version,
written out in that migration); ``recount`` rebuilds the counts from the tickets (the
backfill, and a repair should they ever drift). A later migration that changes this text
first writes the present one out into team_load_slots, which imports it.

On PostgreSQL each (team, status, priority) is counted in up to ``SLOTS`` rows, and a
transaction writes only to its own slot. One count row per key made every transaction that
routed to a team hold that team's rows until it committed: a delivery batch and a helper
batch routing side by side waited on each other (about a quarter of a 4-client run,
docs/benchmarks.md "The team load in slots"). A transaction claims the first free slot with
a transaction-scoped advisory lock and remembers it in a transaction-local setting, so two
transactions share a slot only when more than ``SLOTS`` write at once. A slot's count may go
below zero (a ticket counted in one slot, moved on in another); the sum over slots is the
count, and every reader sums. SQLite has one writer at a time: one slot, 0."""

from django.db import connection as default_connection

TICKETS = "tickets_ticket"
LOAD = "tickets_teamload"
SLOTS = 8
# pg_try_advisory_xact_lock key space for "this transaction writes team load slot N".
SLOT_LOCK_NAMESPACE = 0x7E1D
SLOT_SETTING = "itsm.teamload_slot"

_KEY = "(team_id, status, priority, slot)"


def _upsert(row: str, change: str) -> str:
    return (
        f"INSERT INTO {LOAD} (team_id, status, priority, slot, tickets) "  # noqa: S608
        f"VALUES ({row}.team_id, {row}.status, {row}.priority, claimed, {change}1) "
        f"ON CONFLICT {_KEY} DO UPDATE SET tickets = {LOAD}.tickets {change} 1"
    )


POSTGRESQL = [
    f"""CREATE FUNCTION tickets_teamload_slot() RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
        remembered text := current_setting('{SLOT_SETTING}', true);
        chosen integer;
    BEGIN
        IF remembered <> '' THEN
            RETURN remembered::integer;
        END IF;
        -- The lowest free slot: a desk with k writers at a time counts in k slots at most.
        chosen := 0;
        FOR slot IN 0..{SLOTS - 1} LOOP
            IF pg_try_advisory_xact_lock({SLOT_LOCK_NAMESPACE}, slot) THEN
                chosen := slot;
                EXIT;
            END IF;
        END LOOP;
        -- Every slot taken: this transaction shares slot 0 and may wait on its rows.
        PERFORM set_config('{SLOT_SETTING}', chosen::text, true);
        RETURN chosen;
    END $$""",
    f"""CREATE FUNCTION tickets_teamload_track() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        claimed integer;
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.team_id IS NOT DISTINCT FROM OLD.team_id
                AND NEW.status = OLD.status AND NEW.priority = OLD.priority THEN
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' AND OLD.team_id IS NOT NULL THEN
            claimed := tickets_teamload_slot();
            {_upsert("OLD", "-")};
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.team_id IS NOT NULL THEN
            claimed := tickets_teamload_slot();
            {_upsert("NEW", "+")};
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER tickets_teamload_track
    AFTER INSERT OR DELETE OR UPDATE OF team_id, status, priority ON {TICKETS}
    FOR EACH ROW EXECUTE FUNCTION tickets_teamload_track()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS tickets_teamload_track ON {TICKETS}",
    "DROP FUNCTION IF EXISTS tickets_teamload_track()",
    "DROP FUNCTION IF EXISTS tickets_teamload_slot()",
]

_UP = (
    f"INSERT INTO {LOAD} (team_id, status, priority, slot, tickets) "
    "SELECT NEW.team_id, NEW.status, NEW.priority, 0, 1 WHERE NEW.team_id IS NOT NULL "
    f"ON CONFLICT {_KEY} DO UPDATE SET tickets = {LOAD}.tickets + 1"
)
_DOWN = (
    f"UPDATE {LOAD} SET tickets = tickets - 1 WHERE OLD.team_id IS NOT NULL "  # noqa: S608
    "AND team_id = OLD.team_id AND status = OLD.status AND priority = OLD.priority AND slot = 0"
)
SQLITE = [
    f"CREATE TRIGGER tickets_teamload_insert AFTER INSERT ON {TICKETS} BEGIN {_UP}; END",
    f"CREATE TRIGGER tickets_teamload_delete AFTER DELETE ON {TICKETS} BEGIN {_DOWN}; END",
    f"CREATE TRIGGER tickets_teamload_update AFTER UPDATE OF team_id, status, priority "
    f"ON {TICKETS} BEGIN {_DOWN}; {_UP}; END",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS tickets_teamload_{name}" for name in ("insert", "delete", "update")
]


def install(schema_editor) -> None:
    for statement in POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement)
    recount(schema_editor.connection)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement)


def recount(connection=default_connection) -> None:
    """The counts from the tickets, each key in slot 0. Run it in one transaction with no
    ticket written beside it (a migration, a maintenance window): a count moved by a
    transaction that commits in between is lost."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOAD}")  # noqa: S608 - a fixed name
        cursor.execute(
            f"INSERT INTO {LOAD} (team_id, status, priority, slot, tickets) "  # noqa: S608
            f"SELECT team_id, status, priority, 0, COUNT(*) FROM {TICKETS} "
            "WHERE team_id IS NOT NULL GROUP BY team_id, status, priority"
        )
