"""python manage.py recount_team_load: each team's ticket counts rebuilt from the tickets."""

from django.core.management.base import BaseCommand

from tickets.actions.team_load import recount_team_load


class Command(BaseCommand):
    help = (
        "Rebuild the team load counts routing reads from the tickets themselves (after a "
        "restore or bulk load that bypassed the database's triggers). Ticket writes wait "
        "for it on PostgreSQL; reads go on."
    )

    def handle(self, *args, **options) -> None:
        result = recount_team_load(actor=None)
        self.stdout.write(
            f"Recounted {result.keys} team, status and priority counts; "
            f"{result.corrected} corrected."
        )
