from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations import subscribers  # noqa: F401  subscribers register
        from integrations.actions.outbound import endpoint_memo
        from integrations.actions.webhooks import source_config_memo
        from integrations.api import schema  # noqa: F401  registers the Api-Key scheme

        endpoint_memo.watch(["integrations.HandlerEndpoint"])
        source_config_memo.watch(["integrations.SourceConfig"])
