"""factory-boy factories for every model. Tickets are built through the model (fast), with
the owner written inside owner_write_allowed(): the one place outside services that may."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from core.models import AuditLog
from org.models import AgentProfile, Team
from tickets.guards import owner_write_allowed
from tickets.models import (
    CaseFlag,
    Company,
    Contact,
    Task,
    Ticket,
    TimelineEntry,
)

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("pass-1234")


def _in_group(name: str):
    def add(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get_or_create(name=name)[0])

    return factory.PostGeneration(add)


class AdminUserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class ManagerFactory(UserFactory):
    username = factory.Sequence(lambda n: f"manager{n}")
    is_staff = True
    role = _in_group("manager")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"team-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())
    capabilities = factory.LazyFunction(lambda: ["network"])
    latitude = 51.5
    longitude = -0.12
    timezone = "Europe/London"


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class AgentFactory(UserFactory):
    """A user in group agent with a profile; pass teams=[team, ...]."""

    username = factory.Sequence(lambda n: f"agent{n}")
    role = _in_group("agent")

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create:
            profile = AgentProfileFactory(user=self)
            if extracted:
                profile.teams.set(extracted)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    email = factory.Sequence(lambda n: f"requester{n}@customer.example")
    name = factory.Faker("name")


class RequesterFactory(UserFactory):
    """A user who is a contact with a login: the requester role."""

    username = factory.Sequence(lambda n: f"requester-user{n}")

    @factory.post_generation
    def contact(self, create, extracted, **kwargs):
        if create:
            ContactFactory(user=self, email=self.email, **kwargs)


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    reference = factory.Sequence(lambda n: f"INC-2026-9{n:05d}")
    title = factory.Faker("sentence", nb_words=5)
    description = factory.Faker("paragraph")
    category = "network"
    priority = "medium"
    requester = factory.SubFactory(ContactFactory)
    team = factory.SubFactory(TeamFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with owner_write_allowed():
            return super()._create(model_class, *args, **kwargs)


class TimelineEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEntry

    ticket = factory.SubFactory(TicketFactory)
    type = TimelineEntry.Type.NOTE
    visibility = TimelineEntry.Visibility.PUBLIC
    content = factory.Faker("sentence")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    ticket = factory.SubFactory(TicketFactory)
    title = factory.Faker("sentence", nb_words=4)


class CaseFlagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseFlag

    ticket = factory.SubFactory(TicketFactory)
    kind = CaseFlag.Kind.VIP


class AuditLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditLog

    action = "test.event"
    data = factory.LazyFunction(dict)
