"""The article admin writes through kb.actions and previews the sanitised HTML."""

import pytest

from kb.models import Article, ArticleVersion
from tests.kb.factories import article

pytestmark = pytest.mark.django_db

# The read-only version history inline posts an empty formset.
INLINE = {"versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"}


def test_admin_add_and_change_go_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/kb/article/add/",
        {
            "title": "Admin article",
            "body": "**Hi** <img src=x onerror=alert(1)>",
            "category": "Email",
            "tags": "outlook, mail",
            "status": "published",
            **INLINE,
        },
    )
    assert response.status_code == 302
    created = Article.objects.get(title="Admin article")
    assert (created.version, created.category, created.tags) == (1, "email", ["outlook", "mail"])
    assert "<strong>Hi</strong>" in created.body_html and "<img" not in created.body_html
    assert created.published_at is not None
    admin_client.post(
        f"/admin/kb/article/{created.pk}/change/",
        {"title": "Admin article", "body": "Changed", "category": "email", "tags": "",
         "status": "published", **INLINE},
    )  # fmt: skip
    assert ArticleVersion.objects.filter(article=created).count() == 2


def test_change_page_previews_sanitised_html(admin_client, admin_user):
    piece = article(actor=admin_user, title="P", body="# Head\n\n<script>alert(1)</script>")
    html = admin_client.get(f"/admin/kb/article/{piece.pk}/change/").content.decode()
    assert '<div class="kb-preview"><h1>Head</h1>' in html
    assert "<script>alert(1)</script>" not in html
