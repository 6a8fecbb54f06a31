"""python manage.py train_triage: a new learned-triage model from the resolved tickets, with
its held-out accuracy and macro F1 (also run weekly by Celery beat)."""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainValidationError
from routing import learned_triage


class Command(BaseCommand):
    help = "Train, evaluate and store a triage model from resolved tickets."

    def add_arguments(self, parser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--activate", action="store_true", help="Make it the active model whatever it scores."
        )
        group.add_argument(
            "--no-activate", action="store_true", help="Store it without activating it."
        )
        parser.add_argument("--test-size", type=float, default=0.2)
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, activate, no_activate, test_size, seed, **options) -> None:
        if not 0.05 <= test_size <= 0.5:
            raise CommandError("--test-size must be between 0.05 and 0.5.")
        choice = True if activate else (False if no_activate else None)
        try:
            model = learned_triage.train_model(activate=choice, test_size=test_size, seed=seed)
        except DomainValidationError as error:
            raise CommandError(str(error)) from error
        active = learned_triage.settings_row().active_model_id == model.pk
        self.stdout.write(
            f"Triage model #{model.pk}: {model.samples} tickets, {model.held_out} held out; "
            f"category accuracy {model.category_accuracy:.3f}, macro F1 "
            f"{model.category_macro_f1:.3f}"
            + (
                f"; priority accuracy {model.priority_accuracy:.3f}, macro F1 "
                f"{model.priority_macro_f1:.3f}"
                if model.priority_accuracy is not None
                else ""
            )
        )
        self.stdout.write("Active: yes" if active else "Active: no (choose it in the admin)")
