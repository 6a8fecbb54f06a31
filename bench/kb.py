"""KB benchmark: suggestion latency for a ticket over 10,000 published articles (and 10,000
resolved tickets), and ``?q=`` search latency, on whichever database DATABASE_URL names.

    bash bench/with-postgres .venv/bin/python bench/kb.py
    .venv/bin/python bench/kb.py            # SQLite (the TF-IDF fallback for ?q=)

Runs on a throwaway test database (``test_<name>``), dropped at the end. Articles and tickets
are generated from the triage evaluation set (routing.triage_eval), so their words overlap
the way real ones do. Reports the first call (the TF-IDF indexes are fitted) and the median
of the following calls (indexes cached in the process), with their queries.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-real-deployment-000")
os.environ.setdefault("ENV_FILE", "")  # a developer's .env (DEBUG=true) is not measured

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.markdown import render_markdown  # noqa: E402
from kb import search, suggestions  # noqa: E402
from kb.models import Article, ArticleStatus  # noqa: E402
from kb.selectors import published_articles  # noqa: E402
from routing import triage_eval  # noqa: E402
from tests import factories  # noqa: E402
from tickets.guards import owner_write_allowed  # noqa: E402
from tickets.models import Ticket  # noqa: E402

QUERIES = [
    ("VPN client disconnects every few minutes", "globalprotect drops when on wifi"),
    ("Printer paper jam", "print jobs stuck in queue, toner low"),
    ("Outlook mailbox full", "not receiving mail since yesterday"),
    ("SAP invoice posting fails", "transaction fails when saving"),
    ("Laptop does not turn on", "battery and charger checked"),
]


def seed(articles: int, tickets: int) -> None:
    samples = triage_eval.generate(max(articles, tickets), seed=11)
    now = timezone.now()
    rows = []
    for i, sample in enumerate(samples[:articles]):
        body = f"{sample.description}\n\nFix: {samples[-1 - i].description}"
        rows.append(
            Article(
                title=f"{sample.title} ({i})",
                body=body,
                body_html=render_markdown(body),
                category=sample.category,
                status=ArticleStatus.PUBLISHED,
                published_at=now,
            )
        )
    Article.objects.bulk_create(rows, batch_size=2000)
    search.refresh_search_vector(Article.objects.values_list("pk", flat=True))
    owner = factories.AgentFactory()
    requester = factories.ContactFactory()
    with owner_write_allowed():
        Ticket.objects.bulk_create(
            [
                Ticket(
                    reference=f"INC-2026-{i:06d}",
                    title=s.title,
                    description=s.description,
                    category=s.category,
                    requester=requester,
                    owner=owner,
                    status="resolved",
                    resolution=f"Resolved: {s.category} fix applied.",
                    resolved_at=now,
                )
                for i, s in enumerate(samples[:tickets])
            ],
            batch_size=2000,
        )


def top_results(text: str) -> list[Article]:
    return list(search.search(published_articles(), text)[:25])


def timed(call, repeat: int = 5):
    with CaptureQueriesContext(connection) as first_queries:
        started = time.perf_counter()
        call()
        first = time.perf_counter() - started
    runs = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            call()
            runs.append(time.perf_counter() - started)
    return first, len(first_queries), statistics.median(runs), len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, default=10_000)
    args = parser.parse_args()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        seed(args.articles, args.tickets)
        print(
            f"{connection.vendor}: seeded {args.articles} articles and {args.tickets} resolved "
            f"tickets in {time.perf_counter() - started:.1f} s"
        )
        manager = factories.ManagerFactory()
        requester_ticket = factories.TicketFactory(title=QUERIES[0][0], description=QUERIES[0][1])
        rows = []
        for title, description in QUERIES:
            requester_ticket.title, requester_ticket.description = title, description
            rows.append(
                (
                    "suggestions",
                    timed(
                        lambda: suggestions.suggest_for_ticket(
                            user=manager, ticket=requester_ticket
                        )
                    ),
                )
            )
            rows.append(("?q= search", timed(lambda t=title: top_results(t))))
        for name in ("suggestions", "?q= search"):
            mine = [r for n, r in rows if n == name]
            print(
                f"{name:<12} first call {max(r[0] for r in mine) * 1000:8.1f} ms "
                f"({mine[0][1]} queries); then median "
                f"{statistics.median(r[2] for r in mine) * 1000:7.1f} ms, "
                f"max {max(r[2] for r in mine) * 1000:7.1f} ms ({mine[0][3]} queries)"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
