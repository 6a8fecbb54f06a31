"""Factories for the escalations tests (the shared ones are in tests.factories)."""

import factory

from escalations.models import Envelope
from tests.factories import TeamFactory, TicketFactory


class EnvelopeFactory(factory.django.DjangoModelFactory):
    """A pending envelope row, built directly (services are what the tests exercise)."""

    class Meta:
        model = Envelope

    ticket = factory.SubFactory(TicketFactory)
    team = factory.SubFactory(TeamFactory)
    reason = factory.Faker("sentence")
