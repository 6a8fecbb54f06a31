"""What agents save in their workspace: kanban boards and named views of the ticket list."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from org.models import Team


class KanbanView(models.Model):
    """A saved board: whose it is (an agent's own or a team's), what the columns are, which
    tickets it shows (the ticket FilterSet's query string), WIP limits and the card order."""

    class ColumnField(models.TextChoices):
        STATUS = "status", "Status"
        PRIORITY = "priority", "Priority"
        TEAM = "team", "Team"
        OWNER = "owner", "Agent"

    class Swimlane(models.TextChoices):
        NONE = "", "None"
        PRIORITY = "priority", "Priority"
        TEAM = "team", "Team"
        OWNER = "owner", "Agent"

    class WipMode(models.TextChoices):
        SOFT = "soft", "Soft (warn)"
        HARD = "hard", "Hard (refuse)"

    class Sort(models.TextChoices):
        PRIORITY = "priority", "Priority score"
        CREATED = "created", "Creation"
        SLA_DUE = "sla_due", "SLA due"

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kanban_views",
        help_text="Set for an agent's own view.",
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kanban_views",
        help_text="Set for a view shared with a team.",
    )
    column_field = models.CharField(
        max_length=16, choices=ColumnField.choices, default=ColumnField.STATUS
    )
    swimlane_field = models.CharField(
        max_length=16, choices=Swimlane.choices, default=Swimlane.NONE, blank=True
    )
    filters = models.CharField(
        max_length=1000, blank=True, help_text="Ticket filters as a query string: priority=high."
    )
    wip_limits = models.JSONField(
        default=dict, blank=True, help_text='Per column value, e.g. {"in_progress": 5}.'
    )
    wip_mode = models.CharField(max_length=8, choices=WipMode.choices, default=WipMode.SOFT)
    sort = models.CharField(max_length=16, choices=Sort.choices, default=Sort.PRIORITY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(team__isnull=False),
                name="kanbanview_owner_or_team",
            )
        ]

    def __str__(self) -> str:
        return self.name


class SavedTicketView(models.Model):
    """A saved filter of the ticket list (``/tickets/``): the TicketFilterSet query string under
    a name, the owner's own or (team set) shared with a team."""

    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="saved_ticket_views",
        help_text="Who saved it; only they delete it.",
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_ticket_views",
        help_text="Set for a view shared with a team.",
    )
    query = models.CharField(
        max_length=1000, blank=True, help_text="Ticket filters as a query string: priority=high."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="savedticketview_owner_name")
        ]

    def __str__(self) -> str:
        return self.name


class CannedResponse(models.Model):
    """A ready answer an agent inserts from the composer: their own (owner set) or shared with a
    team (team set). Its body may hold the placeholders of desk.placeholders."""

    title = models.CharField(max_length=120)
    body = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
        help_text="Set for an agent's own response.",
    )
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="canned_responses",
        help_text="Set for a response shared with a team.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(team__isnull=True))
                | (Q(owner__isnull=True) & Q(team__isnull=False)),
                name="cannedresponse_owner_xor_team",
            )
        ]

    def __str__(self) -> str:
        return self.title
