from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from routing.config_cache import config_changed
        from routing.signals import schedule_routing

        for model in ("RoutingRule", "ScoringWeights", "TriageKeyword"):
            for signal in (post_save, post_delete):
                signal.connect(
                    config_changed,
                    sender=f"routing.{model}",
                    dispatch_uid=f"routing.config_changed.{model}.{signal is post_save}",
                )

        post_save.connect(
            schedule_routing, sender="tickets.Ticket", dispatch_uid="routing.schedule_routing"
        )
