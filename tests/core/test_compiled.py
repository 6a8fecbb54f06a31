"""core.compiled: a queryset's SQL compiled once, run with each call's values, gives the
instance the queryset would have given."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.compiled import CompiledQuery
from core.roles import Role, role_of, with_roles
from tests import factories
from tickets.models import Contact

pytestmark = pytest.mark.django_db

User = get_user_model()
USER_WITH_ROLES = CompiledQuery(lambda pk: with_roles(User.objects.filter(pk=pk)), int)
CONTACT_BY_EMAIL = CompiledQuery(
    lambda email: Contact.objects.select_related("company").filter(email__iexact=email), str
)


def test_the_user_read_with_its_role_equals_the_querysets_in_one_statement():
    manager, agent = factories.ManagerFactory(), factories.AgentFactory()
    for user in (manager, agent):
        with CaptureQueriesContext(connection) as queries:
            found = USER_WITH_ROLES.first(user.pk)
            role = role_of(found)
        assert len(queries.captured_queries) == 1  # the role came with the user
        expected = with_roles(User.objects.filter(pk=user.pk)).get()
        assert found == expected and found._state.adding is False
        assert {f.attname: getattr(found, f.attname) for f in User._meta.concrete_fields} == {
            f.attname: getattr(expected, f.attname) for f in User._meta.concrete_fields
        }
        assert role == role_of(expected)
    assert role_of(USER_WITH_ROLES.first(manager.pk)) == Role.MANAGER
    assert USER_WITH_ROLES.first(10**8) is None


def test_select_related_and_case_insensitive_values():
    company = factories.CompanyFactory(name="Customer Inc")
    contact = factories.ContactFactory(email="mixed@customer.example", company=company)
    found = CONTACT_BY_EMAIL.first("MIXED@Customer.example")
    assert found.pk == contact.pk
    with CaptureQueriesContext(connection) as queries:
        assert found.company.name == "Customer Inc"  # read with it
    assert not queries.captured_queries
    assert CONTACT_BY_EMAIL.first("nobody@customer.example") is None


def test_a_value_that_does_not_reach_the_parameters_exactly_once_is_refused():
    twice = CompiledQuery(lambda pk: User.objects.filter(pk__gte=pk, id__lte=pk), int)
    with pytest.raises(ValueError, match="once"):
        twice.first(1)
