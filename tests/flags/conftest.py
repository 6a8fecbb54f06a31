import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    """An API client; `api.as_(user)` signs it in (None: anonymous)."""

    class Client(APIClient):
        def as_(self, user):
            self.force_authenticate(user=user)
            return self

    return Client()
