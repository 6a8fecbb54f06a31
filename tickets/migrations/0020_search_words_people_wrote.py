"""A ticket's timeline words are the words people wrote (issue 18; PostgreSQL only).

``public_words`` and ``internal_words`` (migration search_vectors) took every timeline entry,
the system's own lines too ("Routed to Network by rule VPN", "SLA clock started"). Those lines
are the product's, not the ticket's: searched, they found every ticket routed to a team (the
team filter's job), and each one rewrote the ticket row from its trigger. A ticket's first
second wrote three or four of them, each a row version of the widest table with its GIN
indexes: 0.21 ms of PostgreSQL a line, 0.75 ms a ticket, about a fifth of PostgreSQL's time
per ticket created and delivered (pg_stat_statements, docs/benchmarks.md "Search words from
what people wrote"). The trigger and the functions now pass over system entries (type
``system``), as tickets.search does on SQLite, and every ticket's words are recomputed once
(one pass over the timeline, as migration search_vectors's backfill). SQLite: nothing.
"""

from django.db import migrations

from core.migration_ops import RunSQLOnPostgres


# Each function as migration search_vectors wrote it, with the type condition added.
WORDS_OF = """
CREATE OR REPLACE FUNCTION tickets_entry_words(ticket uuid, shown varchar) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT strip(to_tsvector('english'::regconfig, coalesce(string_agg(content, ' '), '')))
    FROM tickets_timelineentry
    WHERE ticket_id = ticket AND visibility = shown {people}
$$;

CREATE OR REPLACE FUNCTION tickets_refresh_words() RETURNS void LANGUAGE sql AS $$
    UPDATE tickets_ticket t SET public_words = w.public_words, internal_words = w.internal_words
    FROM (
        SELECT ticket_id,
               strip(to_tsvector('english'::regconfig, coalesce(
                   string_agg(content, ' ') FILTER (WHERE visibility = 'public' {people}), ''))),
               strip(to_tsvector('english'::regconfig, coalesce(
                   string_agg(content, ' ') FILTER (WHERE visibility = 'internal' {people}), '')))
        FROM tickets_timelineentry GROUP BY ticket_id
    ) w (ticket_id, public_words, internal_words)
    WHERE t.id = w.ticket_id
$$;

CREATE OR REPLACE FUNCTION tickets_timeline_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {skip_system}
    IF TG_OP = 'INSERT' THEN
        IF NEW.visibility = 'public' THEN
            UPDATE tickets_ticket SET public_words = coalesce(public_words, ''::tsvector)
                || strip(to_tsvector('english'::regconfig, NEW.content)) WHERE id = NEW.ticket_id;
        ELSIF NEW.visibility = 'internal' THEN
            UPDATE tickets_ticket SET internal_words = coalesce(internal_words, ''::tsvector)
                || strip(to_tsvector('english'::regconfig, NEW.content)) WHERE id = NEW.ticket_id;
        END IF;
        RETURN NULL;
    END IF;
    UPDATE tickets_ticket
    SET public_words = tickets_entry_words(id, 'public'),
        internal_words = tickets_entry_words(id, 'internal')
    WHERE id = OLD.ticket_id;
    IF TG_OP = 'UPDATE' AND NEW.ticket_id <> OLD.ticket_id THEN
        UPDATE tickets_ticket
        SET public_words = tickets_entry_words(id, 'public'),
            internal_words = tickets_entry_words(id, 'internal')
        WHERE id = NEW.ticket_id;
    END IF;
    RETURN NULL;
END
$$;

-- Hidden words must go now, not at the ticket's next timeline change.
SELECT tickets_refresh_words();
"""

# A system line inserted, deleted or edited (as the product writes it: it never edits one)
# changes no ticket's words: the row is left as it is.
SKIP_SYSTEM = """IF (TG_OP = 'INSERT' AND NEW.type = 'system')
        OR (TG_OP = 'DELETE' AND OLD.type = 'system')
        OR (TG_OP = 'UPDATE' AND OLD.type = 'system' AND NEW.type = 'system') THEN
        RETURN NULL;
    END IF;"""

# Every ticket with a timeline is recomputed, one with system lines only to no words.
PEOPLE = WORDS_OF.format(people="AND type <> 'system'", skip_system=SKIP_SYSTEM)
EVERY_ENTRY = WORDS_OF.format(people="", skip_system="")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0019_search_words"),
    ]

    operations = [
        RunSQLOnPostgres(sql=PEOPLE, reverse_sql=EVERY_ENTRY),
    ]
