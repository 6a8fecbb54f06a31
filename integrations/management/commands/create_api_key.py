"""python manage.py create_api_key --source servicenow --name "Prod SNOW": prints the key last."""

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import DomainValidationError
from integrations.actions.keys import create_api_key


class Command(BaseCommand):
    help = "Create an integration API key for a source; the key is printed once, as the last line."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--source", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, source: str, name: str, **options) -> None:
        try:
            key, raw = create_api_key(source=source, name=name)
        except DomainValidationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created API key '{key.name}' for source '{key.source}'.")
        self.stdout.write("Store it now; it cannot be shown again:")
        self.stdout.write(raw)
