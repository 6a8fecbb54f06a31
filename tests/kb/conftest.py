import pytest

from kb.actions import articles
from tests import factories


@pytest.fixture
def demo_articles(db):
    articles.seed_demo_articles(author=factories.AdminUserFactory())
