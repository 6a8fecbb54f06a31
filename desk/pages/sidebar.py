"""What the ticket page's properties sidebar shows (templates/desk/_properties.html): the
properties form, the manager's transfer form, and the previous and next tickets of the viewer's
work queue (the ``j``/``k`` shortcuts). Read by desk.pages.detail for staff."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from core.roles import STAFF_ROLE_GROUPS, Role, is_manager_or_admin, role_of
from org.models import Team
from org.selectors import team_ids_of
from tickets.actions.access import may_edit_properties
from tickets.actions.ownership import TransferReason
from tickets.lifecycle import TicketStatus
from tickets.models import Priority, Ticket, TicketType
from tickets.selectors import visible_tickets

QUEUE_SIZE = 100  # as desk.pages.lists.QUEUE_SIZE: the queue the page walks
LEVELS = [("", "—"), ("1", "1 (highest)"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 (lowest)")]


class TeamField(forms.ModelChoiceField):
    """One message for whatever is not a team of the list (a malformed id included)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError as error:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from error


class PropertiesForm(forms.Form):
    """The fields the sidebar edits. Bound to a POST, it keeps only the fields the POST holds,
    so a form (or a test) that sends one field changes that one."""

    priority = forms.ChoiceField(choices=Priority.choices)
    urgency = forms.ChoiceField(choices=LEVELS, required=False)
    impact = forms.ChoiceField(choices=LEVELS, required=False)
    category = forms.CharField(max_length=100, required=False)
    type = forms.ChoiceField(choices=TicketType.choices)
    team = TeamField(
        queryset=Team.objects.filter(status=Team.Status.ACTIVE).order_by("name"),
        required=False,
        empty_label="— route again —",
        error_messages={"invalid_choice": "Pick a team from the list."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound:
            for name in [name for name in self.fields if name not in self.data]:
                del self.fields[name]

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.is_bound and not self.fields:
            raise forms.ValidationError("Nothing to change.")
        return cleaned


class TransferForm(forms.Form):
    to = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        label="New owner",
        error_messages={"invalid_choice": "Pick an active agent from the list."},
    )
    reason = forms.ChoiceField(choices=TransferReason.choices)

    def __init__(self, *args, exclude=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[r.value for r in STAFF_ROLE_GROUPS])
            .distinct()
            .order_by("first_name", "username")
        )
        if exclude is not None:
            staff = staff.exclude(pk=exclude)
        self.fields["to"].queryset = staff
        self.fields["to"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


def initial_of(ticket: Ticket) -> dict:
    return {
        "priority": ticket.priority,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "category": ticket.category,
        "type": ticket.type,
        "team": ticket.team_id,
    }


def sidebar_context(user, ticket: Ticket) -> dict:
    """The sidebar's part of the page context (a few queries: the role checks, the queue's
    ids; the forms' choices are read when rendered)."""
    editable = ticket.status != TicketStatus.CLOSED and may_edit_properties(user, ticket)
    transferable = is_manager_or_admin(user) and ticket.owner_id is not None and ticket.is_open
    previous, following = neighbours(user, ticket)
    return {
        "props_form": PropertiesForm(initial=initial_of(ticket)) if editable else None,
        "transfer_form": TransferForm(exclude=ticket.owner_id) if transferable else None,
        "previous_ticket": previous,
        "next_ticket": following,
    }


def queue_tickets(user):
    """The viewer's work queue (desk.pages.lists.work_queue shows it): open tickets of the
    agent's teams and their own (every open ticket for managers and admins), most urgent
    first."""
    tickets = visible_tickets(user).open()
    if role_of(user) == Role.AGENT:
        tickets = tickets.filter(Q(team_id__in=team_ids_of(user)) | Q(owner=user))
    return tickets.order_by("-priority_score", "created_at")


def neighbours(user, ticket: Ticket) -> tuple:
    """The ids before and after ``ticket`` in the queue (one query); a ticket not in the queue
    has the queue's first as its next."""
    ids = list(queue_tickets(user).values_list("id", flat=True)[:QUEUE_SIZE])
    if ticket.pk not in ids:
        return None, (ids[0] if ids else None)
    at = ids.index(ticket.pk)
    return (ids[at - 1] if at else None), (ids[at + 1] if at + 1 < len(ids) else None)
