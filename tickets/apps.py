from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        # Org stands below tickets: it learns an agent's load, the categories in use and the
        # requesters' addresses (no agent takes one) and the teams' tickets here.
        from org.selectors import count_agent_load, hold_addresses, suggest_categories, use_teams
        from tickets.selectors import (
            categories_in_use,
            contact_address_reason,
            open_owned_count,
            tickets_of_teams,
        )

        count_agent_load(open_owned_count)
        suggest_categories(categories_in_use)
        hold_addresses(contact_address_reason)
        use_teams(tickets_of_teams)
