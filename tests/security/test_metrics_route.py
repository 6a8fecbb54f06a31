"""/metrics, outside the API and so outside the generated route matrix, under the same idea:
no role of the world reads it. Only the scraper's token (METRICS_TOKEN) or address
(METRICS_ALLOWED_IPS) opens it; a session, a JWT or an API key opens nothing, and with neither
configured the route does not exist for anyone."""

import pytest
from django.test import Client
from rest_framework_simplejwt.tokens import AccessToken

from tests.security.world import ROLES, World, build_world

pytestmark = pytest.mark.django_db

SCRAPER_TOKEN = "the-scraper-token-0123456789abcdef"


def clients(world: World) -> dict[str, list[Client]]:
    """Every way each role can present itself: a session and a JWT for people, its key for
    the integration, nothing for the anonymous caller."""
    found: dict[str, list[Client]] = {}
    for role in ROLES:
        user = world.users.get(role)
        if role == "integration":
            found[role] = [Client(headers={"Authorization": f"Api-Key {world.api_key}"})]
        elif user is None:
            found[role] = [Client()]
        else:
            session = Client()
            session.force_login(user)
            bearer = Client(headers={"Authorization": f"Bearer {AccessToken.for_user(user)}"})
            found[role] = [session, bearer]
    return found


@pytest.mark.parametrize(
    ("token", "allowed", "refused"),
    [("", [], 404), (SCRAPER_TOKEN, [], 401), ("", ["10.0.0.0/8"], 403)],
    ids=["not configured", "token", "allow-list"],
)
def test_no_role_reads_the_metrics(settings, token, allowed, refused):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = token, allowed
    world = build_world()
    answers = {
        (role, n): client.get("/metrics").status_code
        for role, ways in clients(world).items()
        for n, client in enumerate(ways)
    }
    assert set(answers.values()) == {refused}, answers
