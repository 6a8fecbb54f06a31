from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"
    verbose_name = "Escalations"

    def ready(self) -> None:
        from escalations import subscribers  # noqa: F401  subscribers register
        from escalations.selectors import envelope_ticket_ids
        from tickets.selectors import grant_agent_access

        # An agent who holds, or may accept, an envelope on a ticket sees that ticket.
        grant_agent_access(envelope_ticket_ids)
