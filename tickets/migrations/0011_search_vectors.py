"""Ticket search at scale (issue 18), kept by PostgreSQL whoever writes the rows:

- ``search_vector``: a stored generated tsvector over the ticket's title and description;
- ``public_words`` and ``internal_words`` on the ticket: the words (lexemes, without positions)
  of its public and of its internal timeline entries, kept by a trigger on the timeline. On
  the ticket row, so that one bitmap OR of GIN scans of the ticket table answers a word
  however many tickets hold it; a list of matching entries' ticket ids cost a probe per entry
  (2 s for a common word at 1,000,000 tickets). Not model fields: save() must not write them;
- GIN indexes on the three, and trigram GIN indexes for reference fragments and requesters'
  names and e-mails.

SQLite gets ``search_vector`` too (always NULL, see tickets.documents) and nothing else:
tickets.search matches substrings there."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

import tickets.documents
from core.migration_ops import AddIndexOnPostgres, RunSQLOnPostgres


# tickets_entry_words(ticket, visibility): the stripped tsvector of those entries' content.
# tickets_refresh_words(): every ticket's words from its entries, in one pass (the backfill
# here, and after bulk loads written with triggers off, e.g. bench/seed_scale.py).
# The trigger appends a new entry's words; an edit, a move or a deletion recomputes.
# Each function apart: migration search_words_people_wrote replaces them.
ENTRY_WORDS_OF = """
CREATE FUNCTION tickets_entry_words(ticket uuid, shown varchar) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT strip(to_tsvector('english'::regconfig, coalesce(string_agg(content, ' '), '')))
    FROM tickets_timelineentry WHERE ticket_id = ticket AND visibility = shown
$$;

"""

REFRESH_WORDS = """
CREATE FUNCTION tickets_refresh_words() RETURNS void LANGUAGE sql AS $$
    UPDATE tickets_ticket t SET public_words = w.public_words, internal_words = w.internal_words
    FROM (
        SELECT ticket_id,
               strip(to_tsvector('english'::regconfig, coalesce(
                   string_agg(content, ' ') FILTER (WHERE visibility = 'public'), ''))),
               strip(to_tsvector('english'::regconfig, coalesce(
                   string_agg(content, ' ') FILTER (WHERE visibility = 'internal'), '')))
        FROM tickets_timelineentry GROUP BY ticket_id
    ) w (ticket_id, public_words, internal_words)
    WHERE t.id = w.ticket_id
$$;

"""

TIMELINE_WORDS = """
CREATE FUNCTION tickets_timeline_words() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
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

"""

ENTRY_WORDS = (
    """
ALTER TABLE tickets_ticket ADD COLUMN public_words tsvector, ADD COLUMN internal_words tsvector;

"""
    + ENTRY_WORDS_OF
    + REFRESH_WORDS
    + TIMELINE_WORDS
    + """
CREATE TRIGGER tickets_timeline_words AFTER INSERT OR DELETE OR UPDATE OF content, visibility,
    ticket_id ON tickets_timelineentry FOR EACH ROW EXECUTE FUNCTION tickets_timeline_words();

SELECT tickets_refresh_words();

CREATE INDEX ticket_public_words_gin ON tickets_ticket USING gin (public_words);
CREATE INDEX ticket_internal_words_gin ON tickets_ticket USING gin (internal_words);
"""
)

NO_ENTRY_WORDS = """
DROP TRIGGER tickets_timeline_words ON tickets_timelineentry;
DROP FUNCTION tickets_timeline_words();
DROP FUNCTION tickets_refresh_words();
DROP FUNCTION tickets_entry_words(uuid, varchar);
ALTER TABLE tickets_ticket DROP COLUMN public_words, DROP COLUMN internal_words;
"""


def trigram_index(expression: str, name: str):
    return django.contrib.postgres.indexes.GinIndex(
        django.contrib.postgres.indexes.OpClass(
            django.db.models.functions.text.Upper(expression), name="gin_trgm_ops"
        ),
        name=name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_sla_pressure"),
    ]

    operations = [
        # pg_trgm ships with PostgreSQL's contrib (Debian's postgresql package has it);
        # skipped on SQLite.
        TrigramExtension(),
        migrations.AddField(
            model_name="ticket",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=tickets.documents.SearchDocument("title", "description"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        AddIndexOnPostgres(
            model_name="ticket",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name="ticket_search_gin"
            ),
        ),
        RunSQLOnPostgres(sql=ENTRY_WORDS, reverse_sql=NO_ENTRY_WORDS),
        AddIndexOnPostgres(
            model_name="ticket", index=trigram_index("reference", "ticket_reference_trgm")
        ),
        AddIndexOnPostgres(model_name="contact", index=trigram_index("name", "contact_name_trgm")),
        AddIndexOnPostgres(
            model_name="contact", index=trigram_index("email", "contact_email_trgm")
        ),
    ]
