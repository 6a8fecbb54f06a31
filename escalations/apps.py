from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from escalations import subscribers  # noqa: F401  subscribers register
        from escalations.lifecycle import EnvelopeStatus
        from escalations.selectors import envelope_ticket_ids
        from routing.actions.rule_checks import event_statuses
        from routing.models import RoutingEvent
        from tickets.selectors import grant_agent_access

        # An agent who holds, or may accept, an envelope on a ticket sees that ticket.
        grant_agent_access(envelope_ticket_ids)
        # Routing checks a rule's status against the envelope's on the age rules' event.
        event_statuses(RoutingEvent.ESCALATION_AGE_EXCEEDED, EnvelopeStatus.choices)
