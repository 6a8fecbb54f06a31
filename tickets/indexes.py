"""The ticket table's indexes for the list (desk's API and pages) at a million tickets."""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from tickets.lifecycle import OPEN_STATUSES

# The list (desk) orders by score, creation, update or SLA due, filtered by one column
# and limited to the agent's teams: an index per ordering and per common filter with
# the default ordering after it, so a page is a walk down an index, not a sort.
LIST_INDEXES = [
    # INCLUDE: an agent's scope (team or owner) and the single-column filters are
    # checked in the index itself (an index-only walk on PostgreSQL), not by a visit to
    # the table for every row a filtered page skips.
    models.Index(
        F("priority_score").desc(),
        "created_at",
        "id",
        name="ticket_score_order_idx",
        include=[
            "team",
            "owner",
            "status",
            "priority",
            "type",
            "category",
            "source",
            "requester",
        ],
    ),
    models.Index(
        "status",
        F("priority_score").desc(),
        "created_at",
        "id",
        name="ticket_status_order_idx",
        include=["team", "owner"],
    ),
    models.Index(
        "team",
        F("priority_score").desc(),
        "created_at",
        "id",
        name="ticket_team_order_idx",
    ),
    # An owner's tickets in the default order (owner=me, owner=<agent>): a walk of that
    # owner's range, even for someone who owns none (the score index would be read to its
    # end looking for them).
    models.Index(
        "owner",
        F("priority_score").desc(),
        "created_at",
        "id",
        name="ticket_owner_order_idx",
    ),
    # The work queue: open tickets, most urgent first (open() names OPEN_STATUSES).
    models.Index(
        F("priority_score").desc(),
        "created_at",
        name="ticket_open_queue_idx",
        condition=Q(status__in=OPEN_STATUSES),
    ),
    # SLA due, soonest (or latest) first, then id; tickets without a running clock last
    # either way: an index per direction, since NULLS LAST does not read backwards as itself.
    models.Index(
        F("sla_due").asc(nulls_last=True),
        "id",
        name="ticket_sla_due_order_idx",
        include=["team", "owner", "status"],
    ),
    models.Index(
        F("sla_due").desc(nulls_last=True),
        "id",
        name="ticket_sla_due_desc_idx",
        include=["team", "owner", "status"],
    ),
    models.Index(fields=["updated_at"], name="ticket_updated_idx"),
    # The filters compare case-insensitively: these give the planner the values'
    # statistics and an index for them.
    models.Index(Upper("category"), name="ticket_category_upper_idx"),
    models.Index(Upper("source"), name="ticket_source_upper_idx"),
]
