import pytest

from core.exceptions import DomainValidationError
from core.roles import Role, role_of
from org.actions.agents import NewAgent, Place, create_agent
from tests import factories

pytestmark = pytest.mark.django_db


def new_agent(**overrides) -> NewAgent:
    values = {
        "username": "kim",
        "email": "kim@desk.example",
        "name": "Kim Lee",
        "password": "a-strong-pass-42",
        "team_slugs": ("network",),
        "place": Place(1.35, 103.8, "Asia/Singapore"),
    }
    return NewAgent(**(values | overrides))


def test_create_agent_makes_user_role_profile_and_memberships(team):
    profile = create_agent(actor=None, data=new_agent())
    assert profile.user.check_password("a-strong-pass-42")
    assert (profile.user.first_name, profile.user.last_name) == ("Kim", "Lee")
    assert role_of(profile.user) == Role.AGENT
    assert list(profile.teams.all()) == [team]
    assert profile.timezone == "Asia/Singapore"


def test_create_manager(team):
    profile = create_agent(actor=None, data=new_agent(role="manager"))
    assert role_of(profile.user) == Role.MANAGER


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"role": "admin"}, "role"), ({"team_slugs": ("nope",)}, "teams")],
)
def test_create_agent_refuses_bad_input_and_writes_nothing(team, overrides, field):
    from django.contrib.auth import get_user_model

    with pytest.raises(DomainValidationError) as error:
        create_agent(actor=None, data=new_agent(**overrides))
    assert field in error.value.errors
    assert not get_user_model().objects.filter(username="kim").exists()


def test_username_must_be_free(team):
    factories.UserFactory(username="kim")
    with pytest.raises(DomainValidationError) as error:
        create_agent(actor=None, data=new_agent())
    assert "username" in error.value.errors
