"""``python manage.py generate_calibration [--period 2026-W49] [--sample-size N]``: the
calibration queue of a week (default: the week that just ended), on demand. Idempotent."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.exceptions import DomainValidationError
from resolutions.actions.calibration import generate_queue
from resolutions.periods import Week


class Command(BaseCommand):
    help = "Generate the calibration queue of an ISO week (default: last week)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="ISO week, YYYY-Www (default: last week).")
        parser.add_argument("--sample-size", type=int, default=None)

    def handle(self, *args, period=None, sample_size=None, **options) -> None:
        try:
            week = Week.parse(period) if period else Week.of(timezone.now()).shifted(-1)
            done = generate_queue(actor=None, week=week, sample_size=sample_size)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except DomainValidationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{done.period}: {done.created} added, {done.total} in the queue.")
