from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        # Org stands below tickets: it learns an agent's load and the categories in use here.
        from org.selectors import count_agent_load, suggest_categories
        from tickets.selectors import categories_in_use, open_owned_count

        count_agent_load(open_owned_count)
        suggest_categories(categories_in_use)
