"""python manage.py route_unrouted: what Celery beat's `routing-route-unrouted` job does every
two minutes, on demand: route open tickets left without a team (no eligible team at the time,
a crashed worker, a lost event). Safe to run beside beat: each ticket is routed in its own
transaction under its row lock."""

from django.core.management.base import BaseCommand

from routing.actions.route import route_unrouted


class Command(BaseCommand):
    help = "Route open tickets that have no team (the periodic safety net, now)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=60,
            help="leave tickets younger than this to the routing already under way (60)",
        )
        parser.add_argument(
            "--retry-minutes",
            type=int,
            default=30,
            help="skip tickets that got a decision this recently (30; 0 retries all)",
        )

    def handle(self, *args, grace_seconds: int, retry_minutes: int, **options) -> None:
        routed = route_unrouted(grace_seconds=grace_seconds, retry_minutes=retry_minutes)
        self.stdout.write(self.style.SUCCESS(f"Routed {routed} ticket(s) left without a team."))
