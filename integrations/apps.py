from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from integrations.api import schema  # noqa: F401  registers the Api-Key scheme
        from integrations.outbound import endpoint_memo
        from integrations.signals import on_ticket_routed
        from routing.signals import ticket_routed

        endpoint_memo.watch(["integrations.HandlerEndpoint"])
        from integrations.webhooks import source_config_memo

        source_config_memo.watch(["integrations.SourceConfig"])
        ticket_routed.connect(on_ticket_routed, dispatch_uid="integrations.on_ticket_routed")
