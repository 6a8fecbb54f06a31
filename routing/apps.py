from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from core.metrics import register_depth
        from routing import (  # noqa: F401  subscribers register
            config_cache,
            selectors,
            subscribers,
            triage_subscribers,
        )

        config_cache.memo.watch(config_cache.WATCHED)
        register_depth("unrouted_tickets", selectors.unrouted_count)
