from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = "SLA"

    def ready(self) -> None:
        from sla import selectors, subscribers  # noqa: F401  subscribers register

        selectors.policy_memo.watch(selectors.POLICY_MODELS)
