"""Hostile and malformed input: always a 4xx in the one error format, never a 500 or HTML."""

import json
from datetime import UTC, datetime

import pytest
from django.core.cache import cache

from tests import factories

pytestmark = pytest.mark.django_db


def assert_error(response, code: int) -> dict:
    assert response.status_code == code, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"} and all(isinstance(v, list) for v in body["errors"].values())
    return body["errors"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/not-a-uuid/",
        "/api/v1/tickets/00000000-0000-0000-0000-000000000000/",
        "/api/v1/tasks/123/",
        "/api/v1/teams/%00/",
        "/api/v1/nothing-here/",
        "/api/v2/tickets/",
    ],
)
def test_unknown_paths_and_ids_are_json_404(api, manager, path):
    assert_error(api.as_(manager).get(path), 404)


@pytest.mark.parametrize(
    "query",
    [
        {"created_after": "yesterday"},
        {"created_before": "2026-13-45"},
        {"status": "exploded"},
        {"priority": "urgent"},
        {"type": ["incident", "nope"]},
    ],
)
def test_bad_filter_values_are_400(api, manager, query):
    errors = assert_error(api.as_(manager).get("/api/v1/tickets/", query), 400)
    assert set(query) <= set(errors)


@pytest.mark.parametrize(
    "moment",
    [
        "4617-10-31T15:53:57+23:04",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00+14:00",
        "2026-01-01T00:00:00Z",
    ],
)
def test_extreme_dates_and_offsets_filter_without_error(api, manager, team, moment):
    factories.TicketFactory(team=team)
    for name in ("created_after", "created_before"):
        assert api.as_(manager).get("/api/v1/tickets/", {name: moment}).status_code == 200


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1e9"])
def test_absurd_page_numbers_are_404(api, manager, team, page):
    factories.TicketFactory(team=team)
    assert_error(api.as_(manager).get("/api/v1/tickets/", {"page": page}), 404)


@pytest.mark.parametrize("size", ["-5", "abc", "0", str(10**30)])
def test_odd_page_sizes_fall_back_safely(api, manager, team, size):
    factories.TicketFactory(team=team)
    assert api.as_(manager).get("/api/v1/tickets/", {"page_size": size}).status_code == 200


@pytest.mark.parametrize("owner", ["99999999999999999999999", "-1", "a@b", "' OR 1=1 --"])
def test_odd_owner_filters_return_nothing_not_500(api, manager, owner):
    assert api.as_(manager).get("/api/v1/tickets/", {"owner": owner}).status_code == 200


def test_odd_ordering_is_ignored(api, manager):
    assert api.as_(manager).get("/api/v1/tickets/", {"ordering": "password"}).status_code == 200


def test_actions_on_unknown_tickets_are_404(api, manager):
    missing = "/api/v1/tickets/00000000-0000-0000-0000-000000000000/accept/"
    assert_error(api.as_(manager).post(missing), 404)


def test_malformed_json_is_400(api, manager):
    response = api.as_(manager).generic(
        "POST", "/api/v1/contacts/", '{"email": ', content_type="application/json"
    )
    assert "non_field_errors" in assert_error(response, 400)


def test_form_encoded_body_is_415(api, manager):
    response = api.as_(manager).post(
        "/api/v1/contacts/", "email=a%40b.example", content_type="application/x-www-form-urlencoded"
    )
    assert_error(response, 415)


def test_body_over_1_mib_is_413(api, manager):
    body = json.dumps({"email": "a@b.example", "name": "x" * (1024 * 1024)})
    response = api.as_(manager).generic(
        "POST", "/api/v1/contacts/", body, content_type="application/json"
    )
    assert_error(response, 413)


def test_invalid_content_length_is_400(api, manager):
    response = api.as_(manager).generic(
        "POST", "/api/v1/contacts/", "{}", content_type="application/json", CONTENT_LENGTH="abc"
    )
    assert_error(response, 400)


def test_wrong_method_is_405_in_the_error_format(api, manager):
    assert_error(api.as_(manager).delete("/api/v1/tickets/"), 405)


@pytest.fixture
def rates(monkeypatch):
    """Set throttle rates for one test (DRF reads them into the class at import)."""
    from rest_framework.throttling import SimpleRateThrottle

    def set_rates(**values):
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", values)

    return set_rates


def test_throttled_callers_get_429_with_retry_after(api, manager, rates):
    rates(caller="3/min", anon="3/min", token="3/min")
    codes = [api.as_(manager).get("/api/v1/tickets/").status_code for _ in range(3)]
    last = api.as_(manager).get("/api/v1/tickets/")
    assert codes == [200, 200, 200]
    assert_error(last, 429)
    assert int(last["Retry-After"]) > 0


def test_a_caller_counted_in_the_process_is_still_stopped_at_the_rate(
    api, manager, rates, time_machine
):
    """20 a minute: most of the calls are counted by the process between its checks with the
    cache (core.api.throttling); the 21st is still refused, and the cache holds all 20. The
    clock stands half-way through a window, so no window ends during the calls."""
    time_machine.move_to(datetime(2026, 12, 5, 12, 0, 30, tzinfo=UTC), tick=False)
    rates(caller="20/min", anon="3/min", token="3/min")
    codes = [api.as_(manager).get("/api/v1/tickets/").status_code for _ in range(21)]
    assert codes == [200] * 20 + [429]
    window = int(datetime(2026, 12, 5, 12, 0, tzinfo=UTC).timestamp() // 60)
    assert cache.get(f"throttle_caller_user:{manager.pk}:{window}") == 20


def test_forged_forwarded_for_does_not_dodge_the_anonymous_throttle(api, rates):
    rates(caller="100/min", anon="2/min", token="2/min")
    codes = [
        api.get("/api/v1/tickets/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert codes == [401, 401, 429, 429]


def test_token_endpoint_is_throttled_per_address(api, agent, rates):
    rates(caller="100/min", anon="100/min", token="2/min")
    body = {"username": agent.username, "password": "wrong"}
    codes = [api.post("/api/auth/token/", body).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_api_key_rate_is_per_key(api):
    from integrations.actions.keys import create_api_key
    from integrations.models import ApiKey

    key, raw = create_api_key(source="jira", name="busy")
    ApiKey.objects.filter(pk=key.pk).update(rate_per_minute=2)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    codes = [api.get("/api/v1/tickets/").status_code for _ in range(3)]
    assert codes == [403, 403, 429]
