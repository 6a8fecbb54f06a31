import pytest

from kb import services
from tests import factories


@pytest.fixture
def demo_articles(db):
    services.seed_demo_articles(author=factories.AdminUserFactory())
