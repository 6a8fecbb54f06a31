"""python manage.py import_rules FILE.yaml: load routing rules (API.md format). An invalid file
is refused whole, each problem printed with its line; nothing is half-imported."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from routing.actions.config import import_rules
from routing.rules import RuleFileError


class Command(BaseCommand):
    help = "Import routing rules from a YAML file (created or replaced by name)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="YAML file with a list of rules")

    def handle(self, *args, file: str, **options) -> None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        try:
            created, updated = import_rules(text=text)
        except RuleFileError as error:
            lines = "\n".join(f"  {file}: {problem}" for problem in error.problems)
            raise CommandError(f"Refused {file}; nothing was imported:\n{lines}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {created + updated} rule(s): {created} new, {updated} updated."
            )
        )
