"""core.roles.with_roles: a user read with its role answers role_of without a query of its
own, the same role as the groups give; the JWT authentication and the session backend read
users that way."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from rest_framework_simplejwt.tokens import AccessToken

from core.accounts import RoleReadingBackend
from core.api.authentication import JWTAuthentication
from core.roles import Role, forget_role, role_of, with_roles
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def people(agent, manager, admin_user, requester):
    both = factories.AgentFactory()
    both.groups.add(Group.objects.get_or_create(name="manager")[0])  # the stronger counts
    nobody = User.objects.create_user(username="nobody", password="x-unused-9")
    superuser = User.objects.create_superuser(username="root", password="x-unused-9")
    return {
        agent.username: Role.AGENT,
        manager.username: Role.MANAGER,
        admin_user.username: Role.ADMIN,
        requester.username: Role.REQUESTER,
        both.username: Role.MANAGER,
        nobody.username: None,
        superuser.username: Role.ADMIN,
    }


def test_users_read_with_their_roles_need_no_query_for_them(people, django_assert_num_queries):
    from_groups = {u.username: role_of(u) for u in User.objects.filter(username__in=people)}

    with django_assert_num_queries(1):
        read = {u.username: role_of(u) for u in with_roles(User.objects.all())}

    assert {name: read[name] for name in people} == people == from_groups


def test_forget_role_reads_the_groups_again(agent):
    user = with_roles(User.objects.all()).get(pk=agent.pk)
    assert role_of(user) == Role.AGENT
    user.groups.add(Group.objects.get_or_create(name="admin")[0])

    forget_role(user)

    assert role_of(user) == Role.ADMIN


def test_a_bearer_token_signs_in_with_the_role_in_one_query(manager, django_assert_num_queries):
    request = RequestFactory().get(
        "/", HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(manager)}"
    )

    with django_assert_num_queries(1):
        user, _ = JWTAuthentication().authenticate(request)
        assert role_of(user) == Role.MANAGER


def test_a_session_user_is_read_with_the_role_in_one_query(agent, django_assert_num_queries):
    with django_assert_num_queries(1):
        user = RoleReadingBackend().get_user(agent.pk)
        assert role_of(user) == Role.AGENT
    agent.is_active = False
    agent.save()
    assert RoleReadingBackend().get_user(agent.pk) is None


def test_the_session_user_is_the_one_the_queryset_reads(agent, requester, manager):
    """The backend's compiled read (core.compiled) gives the user, role and contact the
    queryset gives; an id of nobody, or not an id, is nobody."""
    backend = RoleReadingBackend()
    for user in (agent, requester, manager):
        read = backend.get_user(user.pk)
        expected = with_roles(User.objects.filter(pk=user.pk)).get()
        assert read == expected and read.__dict__.keys() == expected.__dict__.keys()
        assert role_of(read) == role_of(expected)
        assert getattr(read, "contact", None) == getattr(expected, "contact", None)
    assert backend.get_user(10**9) is None
    assert backend.get_user("not an id") is None and backend.get_user(None) is None
    assert backend.get_user(2**70) is None
