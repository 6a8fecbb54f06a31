"""The triggers that keep tickets.TeamLoad: after a ticket is inserted, deleted, or changes
team, status or priority, its old (team, status, priority) count goes down by one and its new
one up by one. Installed by migration 0013 on PostgreSQL and SQLite; ``recount`` rebuilds the
counts from the tickets (the migration's backfill, and a repair should they ever drift)."""

from django.db import connection as default_connection

TICKETS = "tickets_ticket"
LOAD = "tickets_teamload"

_UP = (
    f"INSERT INTO {LOAD} (team_id, status, priority, tickets) "
    "SELECT NEW.team_id, NEW.status, NEW.priority, 1 WHERE NEW.team_id IS NOT NULL "
    f"ON CONFLICT (team_id, status, priority) DO UPDATE SET tickets = {LOAD}.tickets + 1"
)
_DOWN = (
    f"UPDATE {LOAD} SET tickets = tickets - 1 WHERE OLD.team_id IS NOT NULL "  # noqa: S608
    "AND team_id = OLD.team_id AND status = OLD.status AND priority = OLD.priority"
)

POSTGRESQL = [
    f"""CREATE FUNCTION tickets_teamload_track() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.team_id IS NOT DISTINCT FROM OLD.team_id
                AND NEW.status = OLD.status AND NEW.priority = OLD.priority THEN
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN {_DOWN}; END IF;
        IF TG_OP <> 'DELETE' THEN {_UP}; END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE TRIGGER tickets_teamload_track
    AFTER INSERT OR DELETE OR UPDATE OF team_id, status, priority ON {TICKETS}
    FOR EACH ROW EXECUTE FUNCTION tickets_teamload_track()""",
]
POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS tickets_teamload_track ON {TICKETS}",
    "DROP FUNCTION IF EXISTS tickets_teamload_track()",
]

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
    """The counts from the tickets, in one transaction."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {LOAD}")  # noqa: S608 - a fixed name
        cursor.execute(
            f"INSERT INTO {LOAD} (team_id, status, priority, tickets) "  # noqa: S608 - fixed names
            f"SELECT team_id, status, priority, COUNT(*) FROM {TICKETS} "
            "WHERE team_id IS NOT NULL GROUP BY team_id, status, priority"
        )
