"""python manage.py triage_embed: embed every team and category profile again under the
configured provider (a new installation, a provider change), and every lesson recorded under
another provider again from its ticket's text, so what the teams learned follows the change."""

from django.core.management.base import BaseCommand

from routing.actions.triage_learning import reembed_lessons
from routing.actions.triage_profiles import embed_all


class Command(BaseCommand):
    help = "Embed every triage profile again, and the lessons of another provider."

    def handle(self, *args, **options) -> None:
        profiles = embed_all()
        lessons = reembed_lessons()
        self.stdout.write(f"Embedded {profiles} profile(s) and {lessons} lesson(s).")
