"""tickets.TeamLoad, the kept counts of each team's tickets, and TeamLoadTotal, their sums as
the admin shows them (both re-exported by tickets.models)."""

from django.db import models


class TeamLoad(models.Model):
    """How many of a team's tickets are in each status and priority: the load routing weighs,
    read from a few rows instead of counted over the open backlog on every decision.

    Kept by the database itself (triggers on the ticket table, tickets/load_triggers.py), so
    every write path counts (actions, bulk updates, the admin, a restore), and a count moves
    in the same transaction as the ticket it counts."""

    team = models.ForeignKey("org.Team", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16)
    priority = models.CharField(max_length=16)
    # PostgreSQL: the writing transaction's slot (tickets/load_triggers.py); a key's count is
    # the sum over its slots, and a slot's own may be below zero. SQLite: always 0.
    slot = models.PositiveSmallIntegerField(db_default=0)
    tickets = models.IntegerField(default=0)

    class Meta:
        verbose_name = "team load slot"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "status", "priority", "slot"],
                name="teamload_team_status_priority_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.status}/{self.priority} slot {self.slot}: {self.tickets}"


class TeamLoadTotal(models.Model):
    """A team's tickets in one status and priority: TeamLoad's slots summed by a database view
    (migration team_load_totals), so an administrator reads one count a key, as routing does.
    Keys whose slots sum to zero are left out. Read only: nothing writes a view."""

    # The view's id is the key's lowest slot row's: stable while that row lives, and only the
    # admin's row identity; nothing refers to it.
    team = models.ForeignKey(
        "org.Team", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    status = models.CharField(max_length=16)
    priority = models.CharField(max_length=16)
    tickets = models.IntegerField()

    class Meta:
        managed = False
        db_table = "tickets_teamload_total"
        verbose_name = "team load"

    def __str__(self) -> str:
        return f"{self.team_id} {self.status}/{self.priority}: {self.tickets}"
