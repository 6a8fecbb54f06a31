"""python manage.py triage_embed: embed every team and category profile again under the
configured provider (a new installation, a provider change). Lessons are kept."""

from django.core.management.base import BaseCommand

from routing.actions.triage_profiles import embed_all


class Command(BaseCommand):
    help = "Embed every triage profile again."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Embedded {embed_all()} profile(s).")
