from django.apps import AppConfig
from django.db.models.signals import post_save


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from routing import config_cache
        from routing.signals import schedule_routing

        config_cache.memo.watch(config_cache.WATCHED)
        post_save.connect(
            schedule_routing, sender="tickets.Ticket", dispatch_uid="routing.schedule_routing"
        )
