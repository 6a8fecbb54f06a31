"""Seeds the helpdesk app's database for bench/http_driver.py, run by the helpdesk venv's Python:

    DATABASE_URL=postgres://... DJANGO_SETTINGS_MODULE=bench.helpdesk.settings \
        <helpdesk venv>/bin/python -m bench.helpdesk.seed --tickets 50000 --open 5000

Migrates, then makes five queues (the project's benchmark categories), one staff agent (is_staff,
what helpdesk's API and staff pages ask) with a DRF token and a signed-in session, and --tickets
tickets shaped like bench/seed_scale.py's: two years of them, the open backlog every other one of
the newest 2 x --open, the same status and priority shares mapped to helpdesk's (open: Open, its
"waiting" share on hold; resolved / closed as the project's; critical, high, medium, low to
helpdesk's 1-4), each with three follow-ups like the project's three timeline entries (the
opening line, a public reply, an internal note). Tickets and follow-ups are each one
``INSERT ... SELECT generate_series``. Prints one JSON line: token, session cookie, queue ids.
"""

import argparse
import json

import django
from django.core.management import call_command
from django.db import connection

QUEUES = ["network", "hardware", "software", "access", "email"]

TICKETS = """
INSERT INTO helpdesk_ticket (title, created, modified, submitter_email, status, on_hold,
    description, resolution, priority, queue_id, secret_key)
SELECT 'Ticket number ' || i, created_at, created_at,
       'requester' || floor(r_req * 20000)::int || '@example.com',
       CASE WHEN is_open THEN 1
            WHEN created_at > now() - interval '14 days' AND r_status < 0.7 THEN 3
            WHEN r_status < 0.08 THEN 3 ELSE 4 END,
       is_open AND r_status >= 0.70 AND r_status < 0.90,
       repeat('The problem as the requester wrote it. ', 6),
       CASE WHEN is_open THEN NULL ELSE 'Fixed as the requester confirmed.' END,
       CASE WHEN r_prio < 0.05 THEN 1 WHEN r_prio < 0.25 THEN 2
            WHEN r_prio < 0.70 THEN 3 ELSE 4 END,
       (%(queues)s::int[])[1 + mod(i, cardinality(%(queues)s::int[]))],
       gen_random_uuid()::text
FROM (
    SELECT i, random() AS r_status, random() AS r_prio, random() AS r_req,
           (i > %(open_from)s AND mod(i - %(open_from)s, %(open_step)s) = 0) AS is_open,
           now() - interval '730 days' * (1 - i::float8 / %(tickets)s) AS created_at
    FROM generate_series(1, %(tickets)s) AS i
) AS draw
"""

FOLLOWUPS = """
INSERT INTO helpdesk_followup (ticket_id, date, title, comment, public, new_status, user_id)
SELECT t.id, t.created + interval '1 minute' * (n - 1),
       CASE n WHEN 1 THEN 'Ticket Opened' WHEN 2 THEN 'Comment' ELSE 'Internal note' END,
       CASE n WHEN 1 THEN t.description
              WHEN 2 THEN 'We are looking into it and will come back to you shortly.'
              ELSE 'Checked the logs: the switch port flaps.' END,
       n < 3,
       CASE WHEN n = 3 AND t.status <> 1 THEN t.status END,
       CASE WHEN n > 1 THEN %(agent)s::int END
FROM helpdesk_ticket t CROSS JOIN generate_series(1, 3) AS n
"""


def seed(*, tickets: int, open_tickets: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from helpdesk.models import Queue

    call_command("migrate", verbosity=0)
    queues = [Queue.objects.create(title=name.title(), slug=name).pk for name in QUEUES]
    agent = get_user_model().objects.create_user(
        username="bench-agent", email="bench-agent@example.com", password=None, is_staff=True
    )
    token = Token.objects.create(user=agent).key
    client = Client()
    client.force_login(agent)
    window = min(tickets, 2 * open_tickets)
    params = {
        "tickets": tickets,
        "open_from": tickets - window,
        "open_step": 2 if window == 2 * open_tickets else 1,
        "queues": queues,
        "agent": agent.pk,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")  # the same tables on every run
        cursor.execute(TICKETS, params)
        cursor.execute(FOLLOWUPS, params)
    return {"token": token, "session": client.cookies["sessionid"].value, "queues": queues}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, required=True)
    parser.add_argument("--open", type=int, required=True, dest="open_tickets")
    args = parser.parse_args()
    django.setup()
    print(json.dumps(seed(tickets=args.tickets, open_tickets=args.open_tickets)))


if __name__ == "__main__":
    main()
