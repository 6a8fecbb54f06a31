from django.apps import AppConfig


class ResolutionsConfig(AppConfig):
    name = "resolutions"
    verbose_name = "Resolutions and calibration"

    def ready(self) -> None:
        from resolutions import subscribers  # noqa: F401  subscribers register
