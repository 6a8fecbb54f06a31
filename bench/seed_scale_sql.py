"""The statements of bench/seed_scale.py, one per step (prepared statements take one command
each). No ``%`` outside placeholders: psycopg formats these (``mod()`` and ``starts_with()``
instead of ``%`` and ``LIKE``)."""

CATEGORIES = (
    "'network', 'access', 'email', 'hardware', 'software', "
    "'application', 'security', 'database', 'outage', 'printing'"
)
ZONES = "'America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Singapore'"
LATITUDES = "40.7, 51.5, 52.5, 1.35"
LONGITUDES = "-74.0, -0.1, 13.4, 103.8"

COMPANIES = """
INSERT INTO tickets_company (name, tier, created_at)
SELECT 'Scale company ' || lpad(c::text, 4, '0'),
       CASE WHEN mod(c, 10) = 0 THEN 'vip' WHEN mod(c, 4) = 0 THEN 'premium' ELSE 'standard' END,
       now() - interval '800 days'
FROM generate_series(1, %(companies)s::int) c
"""

# Each company's e-mail domain (tickets.requesters.CompanyDomain).
COMPANY_DOMAINS = """
INSERT INTO tickets_companydomain (company_id, domain)
SELECT co.id, 'company' || ltrim(substr(co.name, 15), '0') || '.example'
FROM tickets_company co
WHERE starts_with(co.name, 'Scale company ')
"""

# 30% of the requesters belong to a company; 5% are VIPs and 10% premium on their own.
CONTACTS = f"""
INSERT INTO tickets_contact
    (latitude, longitude, timezone, email, name, tier, created_at, company_id, user_id)
SELECT (ARRAY[{LATITUDES}])[1 + mod(c, 4)], (ARRAY[{LONGITUDES}])[1 + mod(c, 4)],
       (ARRAY[{ZONES}])[1 + mod(c, 4)],
       'requester' || c || '@' || coalesce(cd.domain, 'mail.example'), 'Requester ' || c,
       CASE WHEN mod(c, 20) = 7 THEN 'vip' WHEN mod(c, 10) = 3 THEN 'premium' ELSE 'standard' END,
       now() - interval '800 days', co.id, NULL
FROM generate_series(1, %(contacts)s::int) c
LEFT JOIN tickets_company co
    ON mod(c, 10) < 3
   AND co.name = 'Scale company ' || lpad((1 + mod(c, %(companies)s::int))::text, 4, '0')
LEFT JOIN tickets_companydomain cd ON cd.company_id = co.id
"""  # noqa: S608 - only this module's constants go in

TEAMS = f"""
INSERT INTO org_team (latitude, longitude, timezone, id, slug, name, capabilities, max_bandwidth,
    status, avg_resolution_time_hours, sla_compliance_rate, quality_score, cultural_competencies,
    created_at, updated_at, description, example_tickets)
SELECT (ARRAY[{LATITUDES}])[1 + mod(t, 4)], (ARRAY[{LONGITUDES}])[1 + mod(t, 4)],
       (ARRAY[{ZONES}])[1 + mod(t, 4)], gen_random_uuid(),
       'scale-team-' || lpad(t::text, 2, '0'), 'Scale team ' || lpad(t::text, 2, '0'),
       jsonb_build_array((ARRAY[{CATEGORIES}])[1 + mod(t, 10)],
                         (ARRAY[{CATEGORIES}])[1 + mod(t + 3, 10)]),
       2000, 'active', 4 + mod(t, 30), 0.9, 0.8, '["en"]'::jsonb, now(), now(),
       '', '[]'::jsonb
FROM generate_series(0, %(teams)s::int - 1) t
"""  # noqa: S608 - only this module's constants go in

USERS = """
INSERT INTO auth_user (password, last_login, is_superuser, username, first_name, last_name,
    email, is_staff, is_active, date_joined)
SELECT '!', NULL, u.superuser, u.username, u.first, u.last, u.username || '@desk.example',
       u.superuser, true, now() - interval '800 days'
FROM (
    SELECT false, 'scale-agent-' || lpad(a::text, 3, '0'), 'Agent', lpad(a::text, 3, '0')
    FROM generate_series(0, %(agents)s::int - 1) a
    UNION ALL
    SELECT false, 'scale-manager-' || lpad(m::text, 2, '0'), 'Manager', lpad(m::text, 2, '0')
    FROM generate_series(0, %(managers)s::int - 1) m
    UNION ALL
    SELECT true, 'scale-admin', 'Admin', 'Scale'
) u (superuser, username, first, last)
"""

GROUPS = """
INSERT INTO auth_user_groups (user_id, group_id)
SELECT u.id, g.id FROM auth_user u
JOIN auth_group g ON g.name = CASE WHEN starts_with(u.username, 'scale-agent-') THEN 'agent'
                                   WHEN starts_with(u.username, 'scale-manager-') THEN 'manager'
                                   WHEN u.username = 'scale-admin' THEN 'admin' END
WHERE starts_with(u.username, 'scale-')
"""

PROFILES = f"""
INSERT INTO org_agentprofile (latitude, longitude, timezone, skills, max_capacity, is_available,
    user_id)
SELECT (ARRAY[{LATITUDES}])[1 + mod(n, 4)], (ARRAY[{LONGITUDES}])[1 + mod(n, 4)],
       (ARRAY[{ZONES}])[1 + mod(n, 4)],
       jsonb_build_array((ARRAY[{CATEGORIES}])[1 + mod(n, 10)]), 10, true, id
FROM (SELECT id, substr(username, 13)::int AS n FROM auth_user
      WHERE starts_with(username, 'scale-agent-')) a
"""  # noqa: S608 - only this module's constants go in

# Agent n works in team n mod teams: ten agents a team.
MEMBERSHIPS = """
INSERT INTO org_agentprofile_teams (agentprofile_id, team_id)
SELECT p.id, t.id FROM org_agentprofile p
JOIN auth_user u ON u.id = p.user_id AND starts_with(u.username, 'scale-agent-')
JOIN org_team t ON t.slug = 'scale-team-' || lpad(mod(substr(u.username, 13)::int,
                                                       %(teams)s::int)::text, 2, '0')
"""

CALENDAR = """
INSERT INTO sla_businesscalendar (slug, name, timezone, always_open, holiday_country,
    holiday_subdivision, created_at, updated_at)
VALUES ('scale-24x7', 'Scale 24x7', 'UTC', true, '', '', now(), now())
"""

# Always open: a due instant is the start plus the minutes, as sla.clocks would compute it.
POLICIES = """
INSERT INTO sla_slapolicy (name, description, is_active, is_default, priority, type, tier,
    category, first_response_minutes, resolution_minutes, warning_percent, warning_lead_minutes,
    pause_on_escalation, escalation_actions, created_at, updated_at, calendar_id)
SELECT 'Scale ' || v.priority, 'Seeded by bench/seed_scale.py', true, false, v.priority, '', '',
       '', v.fr, v.res, 75, NULL, false,
       '[{"at": "warning", "notify": ["owner"]}, '
       '{"at": "breach", "notify": ["owner", "managers"]}]',
       now(), now(), c.id
FROM (VALUES ('critical', 15, 240), ('high', 60, 480), ('medium', 240, 1440),
             ('low', 480, 4320)) v (priority, fr, res)
CROSS JOIN sla_businesscalendar c WHERE c.slug = 'scale-24x7'
"""


def people() -> list[str]:
    return [
        COMPANIES,
        COMPANY_DOMAINS,
        CONTACTS,
        TEAMS,
        USERS,
        GROUPS,
        PROFILES,
        MEMBERSHIPS,
        CALENDAR,
        POLICIES,
    ]


# Random draws per ticket (setseed makes them the same every run), then what they decide:
# the newest tickets hold the open backlog; a few requesters write most tickets (r^2); teams
# and categories are skewed too; an owner is one of the ten agents of the team.
TICKETS = f"""
INSERT INTO tickets_ticket (id, reference, type, status, title, description, category, priority,
    urgency, impact, priority_score, sla_pressure, source, external_id, external_metadata,
    requester_id, team_id, owner_id, created_at, updated_at, accepted_at, resolved_at, closed_at,
    resolution, vip_flagged)
WITH contact AS (
    SELECT row_number() OVER (ORDER BY c.id) AS n, c.id,
           CASE WHEN 'vip' IN (c.tier, co.tier) THEN 'vip'
                WHEN 'premium' IN (c.tier, co.tier) THEN 'premium' ELSE 'standard' END AS tier
    FROM tickets_contact c LEFT JOIN tickets_company co ON co.id = c.company_id
    WHERE starts_with(c.email, 'requester')
), team AS (
    SELECT substr(slug, 12)::int AS n, id FROM org_team WHERE starts_with(slug, 'scale-team-')
), agent AS (
    SELECT substr(username, 13)::int AS n, id FROM auth_user
    WHERE starts_with(username, 'scale-agent-')
), draw AS (
    SELECT i, random() AS r_status, random() AS r_prio, random() AS r_type, random() AS r_cat,
           random() AS r_src, random() AS r_req, random() AS r_team, random() AS r_owner,
           random() AS r_acc, random() AS r_res,
           (i > %(open_from)s::int AND mod(i - %(open_from)s::int, %(open_step)s::int) = 0)
               AS is_open,
           now() - interval '730 days' * (1 - i::float8 / %(tickets)s::int)
                 - interval '1 hour' * random() AS created_at
    FROM generate_series(1, %(tickets)s::int) i
), decided AS (
    SELECT d.*,
        CASE WHEN is_open THEN
                 CASE WHEN r_status < 0.15 THEN 'new' WHEN r_status < 0.70 THEN 'in_progress'
                      WHEN r_status < 0.90 THEN 'waiting' ELSE 'escalated' END
             WHEN created_at > now() - interval '14 days' AND r_status < 0.7 THEN 'resolved'
             WHEN r_status < 0.08 THEN 'resolved' ELSE 'closed' END AS status,
        CASE WHEN r_prio < 0.05 THEN 'critical' WHEN r_prio < 0.25 THEN 'high'
             WHEN r_prio < 0.70 THEN 'medium' ELSE 'low' END AS priority,
        CASE WHEN r_type < 0.60 THEN 'incident' WHEN r_type < 0.90 THEN 'request'
             WHEN r_type < 0.96 THEN 'change' ELSE 'problem' END AS type,
        (ARRAY[{CATEGORIES}])[1 + floor(power(r_cat, 1.6) * 10)::int] AS category,
        CASE WHEN r_src < 0.30 THEN 'web' WHEN r_src < 0.65 THEN 'email'
             WHEN r_src < 0.80 THEN 'api' WHEN r_src < 0.90 THEN 'portal'
             ELSE 'servicenow' END AS source,
        1 + floor(r_req * r_req * %(contacts)s::int)::int AS requester_n,
        floor(power(r_team, 1.5) * %(teams)s::int)::int AS team_n
    FROM draw d
), placed AS (
    SELECT x.*,
        CASE WHEN status = 'new' AND r_owner < 0.25 THEN NULL ELSE team_n END AS routed_team_n,
        CASE WHEN status = 'new' THEN NULL
             ELSE team_n + %(teams)s::int * floor(r_owner * %(agents_per_team)s::int)::int
        END AS owner_n,
        CASE WHEN status <> 'new'
             THEN created_at + interval '1 minute' * (2 + 240 * r_acc * r_acc) END AS accepted_at
    FROM decided x
), timed AS (
    SELECT p.*,
        CASE WHEN status IN ('resolved', 'closed')
             THEN least(now(), accepted_at + interval '1 minute' * (20 + 3000 * power(r_res, 3)))
        END AS resolved_at
    FROM placed p
), final AS (
    SELECT t.*,
        CASE WHEN status = 'closed' THEN least(now(), resolved_at + interval '3 days') END
            AS closed_at
    FROM timed t
)
SELECT gen_random_uuid(),
       (CASE f.type WHEN 'incident' THEN 'INC' WHEN 'request' THEN 'REQ' WHEN 'change' THEN 'CHG'
        ELSE 'PRB' END) || '-' || extract(year FROM f.created_at)::int || '-'
           || lpad(f.i::text, greatest(6, length(f.i::text)), '0'),
       f.type, f.status,
       initcap(f.category) || ': '
           || (ARRAY['cannot connect', 'keeps failing', 'access needed', 'very slow',
                     'error on start', 'request for setup', 'stopped working',
                     'intermittent problem'])[1 + mod(f.i * 7, 8)] || ' #' || f.i,
       'Since this morning the ' || f.category || ' service ' ||
           (ARRAY['drops every few minutes', 'answers with an error', 'refuses my login',
                  'is unusable for the whole floor'])[1 + mod(f.i, 4)] ||
           '. Tried: restart, reconnect, cleared the cache. Affected users: '
           || (1 + mod(f.i, 40)) || '. Please advise.',
       f.category, f.priority,
       CASE f.priority WHEN 'critical' THEN '1' WHEN 'high' THEN '1' WHEN 'medium' THEN '2'
           ELSE '3' END,
       CASE f.priority WHEN 'critical' THEN '1' WHEN 'high' THEN '2' WHEN 'medium' THEN '2'
           ELSE '3' END,
       round((CASE f.priority WHEN 'critical' THEN 100 WHEN 'high' THEN 70 WHEN 'medium' THEN 40
                  ELSE 10 END
              * CASE c.tier WHEN 'vip' THEN 1.5 WHEN 'premium' THEN 1.2 ELSE 1.0 END
              * CASE WHEN f.status = 'escalated' THEN 1.3 ELSE 1.0 END)::numeric, 2)::float8,
       1.0, f.source,
       CASE WHEN f.source = 'servicenow' THEN 'SN' || lpad(f.i::text, 8, '0') ELSE '' END,
       '{{}}'::jsonb, c.id, tm.id, ag.id, f.created_at,
       coalesce(f.closed_at, f.resolved_at,
                least(now(), coalesce(f.accepted_at, f.created_at)
                             + interval '1 minute' * 600 * f.r_res)),
       f.accepted_at, f.resolved_at, f.closed_at,
       CASE WHEN f.resolved_at IS NULL THEN ''
            ELSE 'Fixed: reset the ' || f.category || ' settings and confirmed with the user.'
       END,
       false
FROM final f
JOIN contact c ON c.n = f.requester_n
LEFT JOIN team tm ON tm.n = f.routed_team_n
LEFT JOIN agent ag ON ag.n = f.owner_n
"""  # noqa: S608 - only this module's constants go in

# The list's SLA order reads the running clock's due time from the ticket (what
# tickets.actions.scores keeps there, as the migration sla_due backfills it).
SLA_DUE = """
UPDATE tickets_ticket t SET sla_due = c.resolution_due FROM sla_slaclock c
WHERE c.ticket_id = t.id AND c.resolution_met_at IS NULL AND c.resolution_due IS NOT NULL
"""

# Due instants from the start (always-open calendar); met when accepted (the first reply) and
# resolved; a waiting ticket's resolution due is empty (beyond a pause that has not ended);
# resolved and waiting clocks are paused. Crossings, breach and state as sla.clocks has them.
CLOCKS = """
INSERT INTO sla_slaclock (tier, started_at, first_response_minutes, resolution_minutes,
    first_response_half_at, first_response_warn_at, first_response_due, first_response_met_at,
    resolution_half_at, resolution_warn_at, resolution_due, resolution_met_at, paused_since,
    breached_at, crossed, state, last_activity_at, next_check_at, checked_at, updated_at,
    ticket_id, policy_id, upgraded)
WITH base AS (
    SELECT t.id AS ticket_id, t.status, t.created_at AS started_at, t.updated_at,
           t.accepted_at AS fr_met, t.resolved_at AS res_met, p.id AS policy_id,
           p.first_response_minutes AS fr_min, p.resolution_minutes AS res_min,
           CASE WHEN 'vip' IN (c.tier, co.tier) THEN 'vip'
                WHEN 'premium' IN (c.tier, co.tier) THEN 'premium' ELSE 'standard' END AS tier,
           CASE WHEN t.status = 'waiting' THEN t.updated_at
                WHEN t.status IN ('resolved', 'closed') THEN t.resolved_at END AS paused_since
    FROM tickets_ticket t
    JOIN sla_slapolicy p ON p.name = 'Scale ' || t.priority
    JOIN tickets_contact c ON c.id = t.requester_id
    LEFT JOIN tickets_company co ON co.id = c.company_id
), stones AS (
    SELECT b.*,
        started_at + interval '1 minute' * fr_min * 0.5 AS fr_half,
        started_at + interval '1 minute' * fr_min * 0.75 AS fr_warn,
        started_at + interval '1 minute' * fr_min AS fr_due,
        started_at + interval '1 minute' * res_min * 0.5 AS res_half,
        started_at + interval '1 minute' * res_min * 0.75 AS res_warn,
        started_at + interval '1 minute' * res_min AS res_due,
        coalesce(res_met, paused_since, now()) AS res_until
    FROM base b
), shown AS (
    SELECT s.*,
        CASE WHEN status = 'waiting' AND res_half > paused_since THEN NULL ELSE res_half END
            AS res_half_shown,
        CASE WHEN status = 'waiting' AND res_warn > paused_since THEN NULL ELSE res_warn END
            AS res_warn_shown,
        CASE WHEN status = 'waiting' AND res_due > paused_since THEN NULL ELSE res_due END
            AS res_due_shown,
        least(CASE WHEN coalesce(fr_met, now()) > fr_due THEN fr_due END,
              CASE WHEN res_until > res_due THEN res_due END) AS breached_at
    FROM stones s
)
SELECT tier, started_at, fr_min, res_min, fr_half, fr_warn, fr_due, fr_met,
       res_half_shown, res_warn_shown, res_due_shown, res_met, paused_since, breached_at,
       to_jsonb(array_remove(ARRAY[
           CASE WHEN coalesce(fr_met, now()) > fr_warn THEN 'first_response_warning' END,
           CASE WHEN coalesce(fr_met, now()) > fr_due THEN 'first_response_breach' END,
           CASE WHEN res_until > res_warn THEN 'resolution_warning' END,
           CASE WHEN res_until > res_due THEN 'resolution_breach' END], NULL)),
       CASE WHEN breached_at IS NOT NULL THEN 'breached'
            WHEN res_met IS NOT NULL THEN 'met'
            WHEN paused_since IS NOT NULL THEN 'paused'
            WHEN (fr_met IS NULL AND fr_warn <= now()) OR res_warn <= now() THEN 'warning'
            ELSE 'ok' END,
       updated_at,
       CASE WHEN paused_since IS NULL THEN
           least(CASE WHEN fr_met IS NULL AND fr_warn > now() THEN fr_warn END,
                 CASE WHEN fr_met IS NULL AND fr_due > now() THEN fr_due END,
                 CASE WHEN res_warn > now() THEN res_warn END,
                 CASE WHEN res_due > now() THEN res_due END) END,
       NULL, updated_at, ticket_id, policy_id, false
FROM shown
"""

# The open pause of a waiting (waiting) or resolved / closed (resolved) ticket.
PAUSES = """
INSERT INTO sla_slapause (reason, started_at, ended_at, clock_id)
SELECT CASE WHEN t.status = 'waiting' THEN 'waiting' ELSE 'resolved' END, k.paused_since, NULL,
       k.id
FROM sla_slaclock k JOIN tickets_ticket t ON t.id = k.ticket_id
WHERE k.paused_since IS NOT NULL
"""

# One decision per routed ticket, a second after its creation; the suggested agent is the
# owner when there is one.
DECISIONS = """
INSERT INTO routing_allocationdecision (id, event, method, team_name, assigned_user_email,
    rule_name, scores, candidates, actions, rationale, confidence, duration_ms, decided_at,
    assigned_user_id, team_id, ticket_id, rule_id, triage)
SELECT gen_random_uuid(), 'ticket.created', m.method, tm.name, coalesce(u.email, ''),
       CASE WHEN m.method = 'rule' THEN 'scale_rule_' || t.category ELSE '' END,
       CASE WHEN m.method = 'scoring' THEN jsonb_build_object(tm.slug, m.score) ELSE '{}' END,
       CASE WHEN m.method = 'scoring' THEN jsonb_build_array(tm.slug) ELSE '[]' END,
       '[]'::jsonb,
       CASE m.method WHEN 'rule' THEN 'Rule matched the ' || t.category || ' category.'
            WHEN 'affinity' THEN 'The requester''s previous ' || t.category || ' ticket.'
            ELSE 'Best composite score among the eligible teams.' END,
       m.score, 2 + 18 * m.score, t.created_at + interval '1 second', t.owner_id, t.team_id,
       t.id, NULL, '{}'::jsonb
FROM tickets_ticket t
JOIN org_team tm ON tm.id = t.team_id
LEFT JOIN auth_user u ON u.id = t.owner_id
CROSS JOIN LATERAL (
    SELECT CASE WHEN r < 0.10 THEN 'rule' WHEN r < 0.15 THEN 'affinity' ELSE 'scoring' END
               AS method, 0.5 + r / 2 AS score
    FROM (SELECT random() + 0 * length(t.reference) AS r) d
) m
"""

# Three lines a ticket: the system line at creation, a public reply (the owner's, at the
# acceptance; the requester's while nobody owns it), an internal note by the owner.
TIMELINE = """
INSERT INTO tickets_timelineentry (id, type, visibility, content, created_at, author_id,
    author_contact_id, ticket_id, envelope_id, markdown)
SELECT gen_random_uuid(), v.type, v.visibility, v.content, v.created_at, v.author_id,
       v.author_contact_id, t.id, NULL, false
FROM tickets_ticket t
CROSS JOIN LATERAL (VALUES
    ('system', 'internal', 'Ticket created via ' || t.source || '.', t.created_at, NULL::int,
     NULL::bigint),
    ('email', 'public',
     CASE WHEN t.owner_id IS NULL THEN 'Any news? This still blocks my work.'
          ELSE 'Thanks for the report: we are looking into the ' || t.category || ' problem.'
     END,
     coalesce(t.accepted_at, t.created_at + (t.updated_at - t.created_at) / 2),
     t.owner_id, CASE WHEN t.owner_id IS NULL THEN t.requester_id END),
    ('note', 'internal', 'Checked the logs; ' || t.category || ' looks involved.',
     coalesce(t.resolved_at, t.updated_at), t.owner_id, NULL::bigint)
) v (type, visibility, content, created_at, author_id, author_contact_id)
"""

# Sequences of reference numbers that exist already continue after the seeded numbers
# (tickets.references creates missing ones after the highest number used).
SEQUENCES = """
SELECT setval(c.oid, greatest(
    (SELECT max(substr(reference, 10)::bigint) FROM tickets_ticket
     WHERE starts_with(reference, upper(substr(c.relname, 18, 3)) || '-' || substr(c.relname, 22)
                                  || '-')), 1))
FROM pg_class c
WHERE c.relkind = 'S' AND starts_with(c.relname, 'ticket_reference_')
"""

SECONDARY_INDEXES = """
SELECT i.indexname, i.indexdef FROM pg_indexes i
WHERE i.schemaname = current_schema() AND i.tablename = ANY(%(tables)s)
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                  WHERE k.conindid = (quote_ident(i.schemaname) || '.'
                                      || quote_ident(i.indexname))::regclass)
"""
