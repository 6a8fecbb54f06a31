"""KB test data: articles written through kb.actions (so HTML, versions and the PostgreSQL
search vector are what production stores), and resolved tickets."""

from django.utils import timezone

from kb.actions import articles
from kb.models import ArticleStatus
from tests import factories


def article(*, actor=None, title="An article", body="Some text.", status="published", **extra):
    actor = actor or factories.AdminUserFactory()
    return articles.save_article(
        actor=actor, title=title, body=body, status=status or ArticleStatus.PUBLISHED, **extra
    )


def resolved_ticket(*, owner, resolution="Restarted it.", **fields):
    return factories.TicketFactory(
        status="resolved",
        owner=owner,
        resolution=resolution,
        resolved_at=timezone.now(),
        **fields,
    )
