"""The ticket's kinds and priorities, and the reference prefix of each kind (tickets.models
re-exports them: they are the ticket's choices)."""

from django.db import models


class TicketType(models.TextChoices):
    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Service request"
    CHANGE = "change", "Change"
    PROBLEM = "problem", "Problem"


REFERENCE_PREFIX = {
    TicketType.INCIDENT: "INC",
    TicketType.REQUEST: "REQ",
    TicketType.CHANGE: "CHG",
    TicketType.PROBLEM: "PRB",
}


class Priority(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
