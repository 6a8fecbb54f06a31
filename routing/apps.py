from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from routing import config_cache, subscribers  # noqa: F401  subscribers register

        config_cache.memo.watch(config_cache.WATCHED)
