"""Factories for the sla app (the shared ones live in tests.factories)."""

from datetime import time

import factory

from sla.models import BusinessCalendar, Reminder, SLAPolicy, WorkingHours
from tests.factories import AgentFactory, TicketFactory


class CalendarFactory(factory.django.DjangoModelFactory):
    """24x7 in UTC unless told otherwise; ``weekdays_9_to_5=True`` adds Mon-Fri 09:00-17:00."""

    class Meta:
        model = BusinessCalendar
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"calendar-{n}")
    name = factory.LazyAttribute(lambda o: o.slug)
    timezone = "UTC"
    always_open = True

    @factory.post_generation
    def weekdays_9_to_5(self, create, extracted, **kwargs):
        if create and extracted:
            WorkingHours.objects.bulk_create(
                WorkingHours(calendar=self, weekday=day, starts=time(9), ends=time(17))
                for day in range(5)
            )


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")
    calendar = factory.SubFactory(CalendarFactory)
    first_response_minutes = 60
    resolution_minutes = 240
    warning_percent = 75


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    user = factory.SubFactory(AgentFactory)
    ticket = factory.SubFactory(TicketFactory)
    message = factory.Faker("sentence")
    trigger_at = factory.Faker("future_datetime", tzinfo=__import__("datetime").UTC)
    first_trigger_at = factory.LazyAttribute(lambda o: o.trigger_at)
