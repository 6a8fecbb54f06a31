from django.apps import AppConfig
from django.db.models.signals import post_save


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from routing.signals import schedule_routing

        post_save.connect(
            schedule_routing, sender="tickets.Ticket", dispatch_uid="routing.schedule_routing"
        )
