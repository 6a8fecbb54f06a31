import factory

from routing.models import AllocationDecision
from tests.factories import TicketFactory


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AllocationDecision

    ticket = factory.SubFactory(TicketFactory)
    event = "ticket.created"
    method = AllocationDecision.Method.SCORING
    team = factory.LazyAttribute(lambda o: o.ticket.team)
    team_name = factory.LazyAttribute(lambda o: o.team.name if o.team else "")
    rationale = "test decision"
    confidence = 0.5
