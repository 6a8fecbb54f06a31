"""The resolutions endpoint's doors: roles, visibility, hostile input (400 with field
messages, nothing written), and a list that costs the same queries for any row count."""

import pytest

from resolutions.models import Resolution
from tests import factories
from tests.resolutions.conftest import resolve

pytestmark = pytest.mark.django_db

GOOD = {
    "what_went_wrong": "billing_error",
    "why_eligible": "policy",
    "type": "credit",
    "amount": "5.00",
    "currency": "EUR",
}


def url(ticket) -> str:
    return f"/api/v1/tickets/{ticket.pk}/resolutions/"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "type": "bribe"}, "type"),
        ({**GOOD, "what_went_wrong": ["x"]}, "what_went_wrong"),
        ({**GOOD, "amount": 1.005}, "amount"),
        ({**GOOD, "amount": "1e400"}, "amount"),
        ({**GOOD, "amount": "NaN"}, "amount"),
        ({**GOOD, "amount": "Infinity"}, "amount"),
        ({**GOOD, "amount": True}, "amount"),
        ({**GOOD, "amount": "-5"}, "amount"),
        ({**GOOD, "amount": None}, "amount"),
        ({**GOOD, "currency": "eu"}, "currency"),
        ({**GOOD, "currency": "EURO"}, "currency"),
        ({**GOOD, "currency": "<script>"}, "currency"),
        ({**GOOD, "tier": "agent"}, "tier"),
        ({**GOOD, "status": "approved"}, "status"),
        ({**GOOD, "what_went_wrong_text": "x" * 5000}, "what_went_wrong_text"),
        ({k: v for k, v in GOOD.items() if k != "amount"}, "amount"),
    ],
)
def test_hostile_input_is_a_400_with_the_field_named(api, owned, agent, config, body, field):
    answer = api.as_(agent).post(url(owned), body, format="json")
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"]
    assert not Resolution.objects.exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b'"text"', b"{bad json", b"null"])
def test_a_body_that_is_no_object_is_a_400(api, owned, agent, raw):
    answer = api.as_(agent).post(url(owned), raw, content_type="application/json")
    assert answer.status_code == 400
    assert "errors" in answer.json()


def test_json_numbers_are_read_as_decimals(api, owned, agent, config):
    answer = api.as_(agent).post(url(owned), {**GOOD, "amount": 50.01}, format="json")
    assert answer.status_code == 201
    assert (answer.json()["amount"], answer.json()["tier"]) == ("50.01", "team_lead")


def test_currency_places_follow_iso_4217(api, owned, agent):
    yen = api.as_(agent).post(
        url(owned), {**GOOD, "amount": "100.5", "currency": "JPY"}, format="json"
    )
    assert yen.status_code == 400 and "amount" in yen.json()["errors"]
    dinar = api.post(url(owned), {**GOOD, "amount": "1.125", "currency": "BHD"}, format="json")
    assert dinar.status_code == 201 and dinar.json()["amount"] == "1.125"


def test_who_may_call(api, owned, agent, requester, other_agent, config):
    assert api.as_(None).get(url(owned)).status_code == 401
    assert api.as_(requester).get(url(owned)).status_code == 403
    assert api.as_(other_agent).get(url(owned)).status_code == 404
    assert api.as_(other_agent).post(url(owned), GOOD, format="json").status_code == 404
    assert (
        api.as_(agent)
        .get(f"/api/v1/tickets/{factories.TicketFactory().pk}/resolutions/")
        .status_code
        == 404
    )
    colleague = factories.AgentFactory(teams=[owned.team])
    assert api.as_(colleague).post(url(owned), GOOD, format="json").status_code == 403


def test_the_list_costs_the_same_queries_for_any_row_count(
    api, owned, agent, config, django_assert_max_num_queries
):
    for amount in ("1", "60", "300"):
        resolve(owned, agent, amount)
    api.as_(agent)
    with django_assert_max_num_queries(12) as few:
        assert len(api.get(url(owned)).json()["results"]) == 3
    for amount in ("2", "70", "400", "3", "80", "500"):
        resolve(owned, agent, amount)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(url(owned)).json()["results"]) == 9


def test_the_approval_queue_costs_the_same_queries_for_any_row_count(
    api, owned, agent, config, manager, django_assert_max_num_queries
):
    resolve(owned, agent, "100")
    api.as_(manager)
    with django_assert_max_num_queries(12) as few:
        assert len(api.get("/api/v1/approvals/").json()["results"]) == 1
    for _ in range(6):
        resolve(owned, agent, "150")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/approvals/").json()["results"]) == 7
