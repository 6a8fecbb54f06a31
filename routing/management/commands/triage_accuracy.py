"""python manage.py triage_accuracy [--days 30]: semantic triage's accuracy on the tickets
resolved in the last days, by week (its top team, its top three, the routed team, against the
team that resolved each ticket): the drift, measured."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from routing.semantic.drift import weekly_accuracy


class Command(BaseCommand):
    help = "Triage's accuracy on recently resolved tickets, by week."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, days: int, **options) -> None:
        if days < 1:
            raise CommandError("--days must be at least 1.")
        weeks = weekly_accuracy(now=timezone.now(), days=days)
        if not weeks:
            self.stdout.write(f"No resolved ticket of the last {days} days was triaged.")
            return
        self.stdout.write(
            f"{'week of':<12}{'resolved':>9}{'top-1':>8}{'top-3':>8}{'routed':>8}{'unsure':>8}"
        )
        for week in weeks:
            self.stdout.write(
                f"{week.start:%Y-%m-%d}  {week.resolved:>9}{week.rate(week.top1):>8.1%}"
                f"{week.rate(week.top3):>8.1%}{week.rate(week.routed):>8.1%}"
                f"{week.rate(week.needed_triage):>8.1%}"
            )
