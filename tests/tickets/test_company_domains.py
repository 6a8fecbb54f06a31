"""Domain-based company matching for new requesters: case-insensitive, subdomains join the
nearest listed parent (unless ITSM_COMPANY_MATCH_SUBDOMAINS is off), no match leaves the
requester without a company; and CRM ids on contacts."""

import pytest

from core.exceptions import DomainValidationError
from tickets.actions import companies, contacts, creation
from tickets.companies import BadDomain, candidate_domains, normalize_domain
from tickets.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(manager):
    return companies.create_company(actor=manager, name="Acme", domains=["ACME.com"])


def requester_of(manager, email: str) -> Contact:
    data = creation.NewTicket(title="Printer", requester_email=email)
    return creation.create_ticket(actor=manager, data=data).requester


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme.COM", "acme.com"),
        (" @acme.com. ", "acme.com"),
        ("bücher.example", "xn--bcher-kva.example"),
        ("eu.acme.co.uk", "eu.acme.co.uk"),
    ],
)
def test_domains_are_normalised(value, expected):
    assert normalize_domain(value) == expected


@pytest.mark.parametrize(
    "value", ["com", "", "acme..com", "-acme.com", "acme.com/x", "a b.com", "1.2.3.4", 7, "x" * 300]
)
def test_what_is_not_a_domain_is_refused(value):
    with pytest.raises(BadDomain):
        normalize_domain(value)


def test_candidates_run_from_nearest_to_the_registrable_parent():
    assert candidate_domains("a.eu.acme.com", subdomains=True) == [
        "a.eu.acme.com",
        "eu.acme.com",
        "acme.com",
    ]
    assert candidate_domains("a.eu.acme.com", subdomains=False) == ["a.eu.acme.com"]


def test_a_new_requester_joins_the_company_of_their_domain_whatever_the_case(acme, manager):
    assert requester_of(manager, "Ann@ACME.Com").company == acme
    assert requester_of(manager, "bob@acme.com").company == acme


def test_subdomains_join_the_nearest_listed_parent(acme, manager, settings):
    europe = companies.create_company(actor=manager, name="Acme EU", domains=["eu.acme.com"])
    assert requester_of(manager, "cat@mail.eu.acme.com").company == europe
    assert requester_of(manager, "dan@us.acme.com").company == acme
    settings.ITSM_COMPANY_MATCH_SUBDOMAINS = False
    assert requester_of(manager, "eve@us.acme.com").company is None
    assert requester_of(manager, "fay@eu.acme.com").company == europe


def test_no_match_and_lookalikes_stay_without_a_company(acme, manager):
    assert requester_of(manager, "gil@other.example").company is None
    assert requester_of(manager, "hal@notacme.com").company is None
    assert requester_of(manager, "ivy@acme.com.evil.example").company is None


def test_a_known_requester_keeps_their_company(acme, manager):
    Contact.objects.create(email="jo@acme.com")
    assert requester_of(manager, "jo@acme.com").company is None  # only new requesters join


def test_contacts_added_by_the_desk_join_too_and_carry_a_crm_id(acme, agent):
    contact = contacts.create_contact(actor=agent, email="kim@Acme.com", crm_id="501")
    assert (contact.company, contact.crm_id) == (acme, "501")
    with pytest.raises(DomainValidationError) as taken:
        contacts.create_contact(actor=agent, email="lee@acme.com", crm_id="501")
    assert "crm_id" in taken.value.errors
    with pytest.raises(DomainValidationError) as bad:
        contacts.create_contact(actor=agent, email="max@acme.com", crm_id="50 1<script>")
    assert "crm_id" in bad.value.errors
    assert not Contact.objects.filter(email__in=["lee@acme.com", "max@acme.com"]).exists()


def test_a_domain_belongs_to_one_company(acme, manager):
    with pytest.raises(DomainValidationError) as taken:
        companies.create_company(actor=manager, name="Copycat", domains=["acme.COM"])
    assert taken.value.errors["domains"] == ["'acme.com' belongs to Acme."]
