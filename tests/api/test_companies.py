"""/api/v1/companies/: staff list, read, create and change companies; field messages for bad
input, nothing half-written; a constant number of queries per list page."""

import pytest

from core.models import AuditLog
from tests import factories
from tickets.actions import companies
from tickets.models import Company, CompanyDomain

pytestmark = pytest.mark.django_db
URL = "/api/v1/companies/"


def test_staff_create_read_and_change_a_company(api, agent):
    client = api.as_(agent)
    body = {"name": "Acme", "tier": "premium", "domains": ["Acme.com", "acme.co.uk"], "crm_id": "9"}
    created = client.post(URL, body, format="json")
    assert created.status_code == 201, created.json()
    company = created.json()
    assert company == {
        "id": company["id"],
        "name": "Acme",
        "domains": ["acme.co.uk", "acme.com"],
        "tier": "premium",
        "crm_id": "9",
    }
    one = f"{URL}{company['id']}/"
    assert client.get(one).json() == company
    changed = client.patch(one, {"domains": ["acme.com"], "tier": "vip"}, format="json")
    assert changed.status_code == 200
    assert (changed.json()["domains"], changed.json()["tier"]) == (["acme.com"], "vip")
    assert changed.json()["crm_id"] == "9"  # not sent, not changed
    replaced = client.put(one, {"name": "Acme Ltd"}, format="json").json()
    assert (replaced["name"], replaced["domains"], replaced["crm_id"]) == ("Acme Ltd", [], None)
    actions = list(AuditLog.objects.values_list("action", flat=True).order_by("id"))
    assert actions == ["company.created", "company.changed", "company.changed"]


def test_filters_by_domain_and_tier(api, agent, manager):
    companies.create_company(actor=manager, name="Acme", domains=["acme.com"])
    companies.create_company(actor=manager, name="Globex", tier="vip", domains=["globex.com"])
    client = api.as_(agent)
    names = lambda query: [c["name"] for c in client.get(URL + query).json()["results"]]  # noqa: E731
    assert names("") == ["Acme", "Globex"]
    assert names("?domain=ACME.com") == ["Acme"]
    assert names("?domain=not a domain") == []
    assert names("?tier=vip") == ["Globex"]


def test_a_companys_contacts(api, agent, manager):
    acme = companies.create_company(actor=manager, name="Acme", domains=["acme.com"])
    factories.ContactFactory(email="ann@acme.com", company=acme, crm_id="77")
    factories.ContactFactory(email="bob@other.example")
    listed = api.as_(agent).get(f"{URL}{acme.pk}/contacts/").json()["results"]
    assert [(c["email"], c["crm_id"], c["company"]) for c in listed] == [
        ("ann@acme.com", "77", "Acme")
    ]


def test_requesters_and_anonymous_callers_are_refused(api, requester):
    assert api.as_(requester).get(URL).status_code == 403
    assert api.as_(requester).post(URL, {"name": "X"}, format="json").status_code == 403
    assert api.as_(None).get(URL).status_code == 401
    assert not Company.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "tier": "gold"}, "tier"),
        ({"name": "A", "domains": "acme.com"}, "domains"),
        ({"name": "A", "domains": ["acme"]}, "domains"),
        ({"name": "A", "domains": ["<script>.com"]}, "domains"),
        ({"name": "A", "domains": ["a.com"] * 51}, "domains"),
        ({"name": "A", "domains": [{"x": 1}]}, "domains"),
        ({"name": "A", "crm_id": "a b"}, "crm_id"),
        ({"name": "A", "crm_id": "x" * 101}, "crm_id"),
        ({"name": "A", "id": 5}, "id"),
        ({"name": "A\u0000"}, "name"),
    ],
)
def test_bad_input_is_400_with_field_messages_and_writes_nothing(api, agent, body, field):
    response = api.as_(agent).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Company.objects.exists() and not CompanyDomain.objects.exists()


def test_taken_names_domains_and_crm_ids_are_refused(api, agent, manager):
    companies.create_company(actor=manager, name="Acme", domains=["acme.com"], crm_id="1")
    client = api.as_(agent)
    for body, field in (
        ({"name": "ACME"}, "name"),
        ({"name": "B", "domains": ["ACME.com"]}, "domains"),
        ({"name": "B", "crm_id": "1"}, "crm_id"),
    ):
        response = client.post(URL, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"], body
    assert Company.objects.count() == 1


def test_the_list_runs_a_constant_number_of_queries(
    api, agent, manager, django_assert_max_num_queries
):
    client = api.as_(agent)
    for rows in (2, 30):
        for n in range(Company.objects.count(), rows):
            companies.create_company(actor=manager, name=f"C{n:02}", domains=[f"c{n}.com"])
        with django_assert_max_num_queries(6):  # session/user, count, page, domains
            response = client.get(URL)
        assert len(response.json()["results"]) == min(rows, 25)
