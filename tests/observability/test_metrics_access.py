"""Who may read /metrics: the bearer token or an allowed address; nobody when neither is
configured (404: the endpoint does not exist). No session, CSRF or DEBUG involved."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from itsm.observability import allowed_networks
from tests.observability.scrape import TOKEN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_IPS = []


def get(headers: dict | None = None, *, address: str = "127.0.0.1", method: str = "get"):
    # enforce_csrf_checks: a scraper sends no CSRF token and needs none.
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR=address)
    return getattr(client, method)("/metrics", headers=headers or {})


def test_with_nothing_configured_the_endpoint_does_not_exist(admin_user):
    assert get().status_code == 404
    assert get(method="post").status_code == 404  # not even a 405 that would tell it exists
    assert get({"Authorization": "Bearer anything"}).status_code == 404
    signed_in = Client()
    signed_in.force_login(admin_user)  # a session opens nothing here
    assert signed_in.get("/metrics").status_code == 404


def test_the_right_token_opens_it(settings):
    settings.METRICS_TOKEN = TOKEN
    response = get({"Authorization": f"Bearer {TOKEN}"}, address="203.0.113.7")
    assert response.status_code == 200
    assert b"# TYPE itsm_queue_depth gauge" in response.content
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize(
    "authorization",
    [None, f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", "Bearer", TOKEN],
)
def test_a_missing_or_wrong_token_is_refused(settings, authorization):
    settings.METRICS_TOKEN = TOKEN
    response = get({"Authorization": authorization} if authorization else {})
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"itsm_" not in response.content


def test_a_signed_in_admin_needs_the_token_too(settings, admin_user):
    settings.METRICS_TOKEN = TOKEN
    client = Client()
    client.force_login(admin_user)
    assert client.get("/metrics").status_code == 401


@pytest.mark.parametrize(
    ("allowed", "address", "status"),
    [
        (["127.0.0.1"], "127.0.0.1", 200),
        (["10.0.0.0/8", "192.168.1.0/24"], "192.168.1.20", 200),
        (["10.0.0.0/8"], "192.168.1.20", 403),
        (["2001:db8::/32"], "2001:db8::5", 200),
        (["2001:db8::/32"], "2001:db9::5", 403),
    ],
)
def test_the_allow_list(settings, allowed, address, status):
    settings.METRICS_ALLOWED_IPS = allowed
    assert get(address=address).status_code == status


def test_either_the_token_or_the_address_is_enough(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    assert get(address="10.1.2.3").status_code == 200
    assert get({"Authorization": f"Bearer {TOKEN}"}, address="198.51.100.1").status_code == 200
    assert get(address="198.51.100.1").status_code == 401


def test_x_forwarded_for_counts_only_behind_trusted_proxies(settings):
    """As for the throttles: the header is forgeable unless a proxy of ours wrote it."""
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    forged = {"X-Forwarded-For": "10.1.2.3"}
    assert get(forged, address="198.51.100.1").status_code == 403
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    assert get(forged, address="198.51.100.1").status_code == 200  # the proxy saw 10.1.2.3
    chained = {"X-Forwarded-For": "10.9.9.9, 198.51.100.44"}  # the client forged the first
    assert get(chained, address="198.51.100.1").status_code == 403


def test_a_wrong_allow_list_entry_stops_the_start():
    with pytest.raises(ImproperlyConfigured, match="METRICS_ALLOWED_IPS"):
        allowed_networks(["10.0.0.0/8", "10.0.0.300"])


def test_it_is_not_redirected_to_https(settings):
    """Scrapers call the server process directly, on plain HTTP (itsm.metrics explains)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.METRICS_TOKEN = TOKEN
    assert get({"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert Client().get("/no-such-page/").status_code == 301  # the rest still is
