"""python manage.py import_weights FILE.yaml: load the ``scoring:`` block (the seven
``<factor>_weight`` values, summing to 1; optional ``categories:`` overrides)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainValidationError
from routing.actions.config import import_weights
from routing.rules import RuleFileError


class Command(BaseCommand):
    help = "Import scoring weights from the scoring: block of a YAML file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="YAML file with a scoring: block")

    def handle(self, *args, file: str, **options) -> None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            count = import_weights(text=text)
        except RuleFileError as error:
            lines = "\n".join(f"  {file}: {problem}" for problem in error.problems)
            raise CommandError(f"Refused {file}; nothing was imported:\n{lines}") from error
        except DomainValidationError as error:
            raise CommandError(f"Refused {file}; nothing was imported: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Imported {count} set(s) of scoring weights."))
