"""The statements of bench/search_scale.py's extras, run once after bench/seed_scale.py.

The seed names requesters "Requester 123" and writes every ticket from a few templates; a
search benchmark needs surnames, e-mail addresses and words that only a few tickets hold. The
seed writes no audit rows and no CSAT ratings either, which the KPI snapshot (today's
resolutions, average resolution time) and the analytics (reopenings, CSAT) read.
"""

RARE_WORD = "kerberos"
RARE_REPLY_WORD = "firmware"

FIRST_NAMES = "'Anna', 'Ben', 'Chloe', 'David', 'Elena', 'Farid', 'Grace', 'Hiro'"
SURNAMES = (
    "'Lindqvist', 'Okafor', 'Moreau', 'Nakamura', 'Schneider', 'Kowalski', 'Haddad', 'Fischer', "
    "'Rossi', 'Novak', 'Dubois', 'Jensen', 'Silva', 'Tanaka', 'Murphy', 'Petrov', 'Ahmed', "
    "'Garcia', 'Johansson', 'Brennan', 'Costa', 'Weber', 'Varga', 'Kim', 'Larsen', 'Mendes', "
    "'Olsen', 'Popescu', 'Quinn', 'Romero', 'Svensson', 'Yilmaz'"
)

# 8 first names x 32 surnames; the contact id keeps each address unique.
CONTACT_NAMES = f"""
UPDATE tickets_contact c
SET name = f.first || ' ' || f.last,
    email = lower(f.first) || '.' || lower(f.last) || c.id || '@' || split_part(c.email, '@', 2)
FROM (SELECT id, (ARRAY[{FIRST_NAMES}])[1 + mod(id, 8)] AS first,
             (ARRAY[{SURNAMES}])[1 + mod(id / 8, 32)] AS last
      FROM tickets_contact) f
WHERE f.id = c.id AND starts_with(c.email, 'requester')
"""  # noqa: S608 - only this module's constants go in

# One ticket in 20,000 mentions the rare word in its description; one in 25,000 has it in the
# public reply.
RARE_DESCRIPTIONS = f"""
UPDATE tickets_ticket SET description = description || ' The {RARE_WORD} ticket expired.'
WHERE mod(substr(reference, 10)::bigint, 20000) = 7
"""  # noqa: S608 - only this module's constants go in

RARE_REPLIES = f"""
UPDATE tickets_timelineentry e SET content = content || ' A {RARE_REPLY_WORD} update is pending.'
FROM tickets_ticket t
WHERE e.ticket_id = t.id AND e.visibility = 'public'
  AND mod(substr(t.reference, 10)::bigint, 25000) = 11
"""  # noqa: S608 - only this module's constants go in

# An audit row per resolution of the last 120 days (tickets.actions.status writes one per move),
# and a reopening (in_progress from resolved) for one in fifty of them.
AUDIT_RESOLUTIONS = """
INSERT INTO core_auditlog (at, action, object_type, object_id, data, actor_id, ticket_id)
SELECT t.resolved_at, 'ticket.resolved', 'ticket', t.id::text,
       '{"from": "in_progress", "to": "resolved"}'::jsonb, t.owner_id, t.id
FROM tickets_ticket t
WHERE t.resolved_at >= now() - interval '120 days'
"""

AUDIT_REOPENINGS = """
INSERT INTO core_auditlog (at, action, object_type, object_id, data, actor_id, ticket_id)
SELECT t.resolved_at + interval '1 hour', 'ticket.in_progress', 'ticket', t.id::text,
       '{"from": "resolved", "to": "in_progress"}'::jsonb, t.owner_id, t.id
FROM tickets_ticket t
WHERE t.resolved_at >= now() - interval '120 days' AND mod(substr(t.reference, 10)::bigint, 50) = 3
"""

# One resolved ticket in five of the last 120 days is rated.
CSAT = """
INSERT INTO notifications_satisfactionrating (rating, comment, created_at, updated_at,
    contact_id, ticket_id)
SELECT 1 + mod(substr(t.reference, 10)::bigint, 5)::int, '', t.resolved_at + interval '1 day',
       t.resolved_at + interval '1 day', t.requester_id, t.id
FROM tickets_ticket t
WHERE t.resolved_at >= now() - interval '120 days' AND mod(substr(t.reference, 10)::bigint, 5) = 1
"""

# Written with triggers off by the seed: the tickets' words of their entries, in one pass
# (where the schema has them: not before the search_vectors migration).
ENTRY_WORDS = """
DO $$ BEGIN
    IF to_regproc('tickets_refresh_words') IS NOT NULL THEN PERFORM tickets_refresh_words(); END IF;
END $$
"""

TICKET_UPDATES = [CONTACT_NAMES, RARE_DESCRIPTIONS, RARE_REPLIES, ENTRY_WORDS]
INSERTS = [AUDIT_RESOLUTIONS, AUDIT_REOPENINGS, CSAT]
