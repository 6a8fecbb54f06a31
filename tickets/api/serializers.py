"""API shapes of tickets' parts (timeline entries, tasks, attachments, contacts) and the
inputs of the ticket actions. Input serializers validate only; the views call the actions.
The ticket itself is served by desk.api (its shape joins the SLA clock and the routing
decision)."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import PersonSerializer, SharedFields, StrictInputSerializer
from core.display import display_name
from org.models import Team
from tickets.actions.ownership import TransferReason
from tickets.lifecycle import TaskStatus
from tickets.models import (
    Attachment,
    Contact,
    Priority,
    Task,
    TicketType,
    Tier,
    TimelineEntry,
)

User = get_user_model()
LEVELS = [str(n) for n in range(1, 6)]


# --- output ---------------------------------------------------------------------------------


class RequesterSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices, source="effective_tier")


class TeamRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class TimelineEntrySerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEntry
        fields = ["id", "type", "visibility", "author", "content", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, entry: TimelineEntry) -> str | None:
        if entry.author is not None:
            return display_name(entry.author)
        if entry.author_contact is not None:
            return entry.author_contact.name or entry.author_contact.email
        return None


class TaskSerializer(serializers.ModelSerializer):
    ticket = serializers.UUIDField(source="ticket_id", read_only=True)
    assigned_to = PersonSerializer(read_only=True, allow_null=True)
    envelope = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "ticket",
            "title",
            "description",
            "assigned_to",
            "envelope",
            "status",
            "due_date",
            "overdue",
            "created_at",
            "updated_at",
            "completed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_envelope(self, task: Task):
        return task.envelope_id

    def get_overdue(self, task: Task) -> bool:
        from django.utils import timezone

        return (
            task.due_date is not None
            and task.status in (TaskStatus.TODO, TaskStatus.IN_PROGRESS)
            and task.due_date < timezone.now()
        )


# --- input ----------------------------------------------------------------------------------


class RequesterInputSerializer(StrictInputSerializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RequesterTicketCreateSerializer(SharedFields, StrictInputSerializer):
    """What a requester may send: the rest is decided by the desk. (Its fields and the staff
    variant's read nothing of the request: shared, core.api.fields.SharedFields.)"""

    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=TicketType.choices, default=TicketType.INCIDENT)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class StaffTicketCreateSerializer(RequesterTicketCreateSerializer):
    requester = RequesterInputSerializer()
    priority = serializers.ChoiceField(choices=Priority.choices, required=False, allow_null=True)
    urgency = serializers.ChoiceField(choices=LEVELS, required=False, allow_blank=True, default="")
    impact = serializers.ChoiceField(choices=LEVELS, required=False, allow_blank=True, default="")


class TicketUpdateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=TicketType.choices, required=False)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    urgency = serializers.ChoiceField(choices=LEVELS, required=False, allow_blank=True)
    impact = serializers.ChoiceField(choices=LEVELS, required=False, allow_blank=True)
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )

    def to_internal_value(self, data):
        if isinstance(data, dict):
            explained = {
                "owner": "The owner is set by accept and changed only by transfer.",
                "status": "Status changes through the actions (accept, wait, resolve...).",
            }
            refused = {k: [v] for k, v in explained.items() if k in data}
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)


class TransferSerializer(StrictInputSerializer):
    to = serializers.EmailField()
    reason = serializers.ChoiceField(choices=TransferReason.choices)

    def validate_to(self, email: str):
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("No active agent has this e-mail address.")
        return user


class ReasonSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ResolveSerializer(StrictInputSerializer):
    resolution = serializers.CharField(max_length=20000)


class EmptySerializer(StrictInputSerializer):
    """Actions that take no body (an empty object, or nothing)."""


class TimelineEntryCreateSerializer(StrictInputSerializer):
    type = serializers.ChoiceField(choices=[("note", "Note"), ("email", "E-mail")])
    visibility = serializers.ChoiceField(choices=[("public", "Public"), ("internal", "Internal")])
    content = serializers.CharField(max_length=100_000)


class TaskCreateSerializer(StrictInputSerializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    assigned_to = serializers.EmailField(required=False, allow_null=True, default=None)
    envelope = serializers.UUIDField(required=False, allow_null=True, default=None)
    due_date = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate_assigned_to(self, email: str | None):
        if email is None:
            return None
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("No active agent has this e-mail address.")
        return user


class TaskUpdateSerializer(StrictInputSerializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)


class AttachmentSerializer(serializers.ModelSerializer):
    ticket = serializers.UUIDField(source="ticket_id", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "ticket",
            "filename",
            "content_type",
            "size",
            "visibility",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment: Attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(StrictInputSerializer):
    file = serializers.FileField(allow_empty_file=False)
    visibility = serializers.ChoiceField(
        choices=[("public", "Public"), ("internal", "Internal")], default="public"
    )


class ContactSerializer(serializers.ModelSerializer):
    can_sign_in = serializers.SerializerMethodField()
    login = serializers.SerializerMethodField(
        help_text="none: no login; invited: a one-time link was sent and no password is chosen "
        "yet; active: the contact signs in"
    )
    company = serializers.CharField(source="company.name", read_only=True, allow_null=True)
    crm_id = serializers.CharField(
        read_only=True, allow_null=True, help_text="The contact's id in the CRM (ITSM_CRM_NAME)."
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "email",
            "name",
            "tier",
            "company",
            "crm_id",
            "can_sign_in",
            "login",
            "created_at",
        ]
        read_only_fields = fields

    def get_can_sign_in(self, contact: Contact) -> bool:
        return self.get_login(contact) == "active"

    @extend_schema_field(serializers.ChoiceField(choices=["none", "invited", "active"]))
    def get_login(self, contact: Contact) -> str:
        if contact.user is None:
            return "none"
        return "active" if contact.user.has_usable_password() else "invited"


class ContactCreateSerializer(StrictInputSerializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    tier = serializers.ChoiceField(choices=Tier.choices, default=Tier.STANDARD)
    invite = serializers.BooleanField(
        default=False,
        help_text="Send the contact a one-time link to choose a password (the link goes only "
        "to the contact's address).",
    )
    crm_id = serializers.CharField(
        max_length=100,
        required=False,
        allow_null=True,
        allow_blank=True,
        default=None,
        help_text="The contact's id in the CRM (ITSM_CRM_NAME); unique where set. A new contact "
        "joins the company of its e-mail domain.",
    )
    password = serializers.CharField(
        required=False,
        allow_null=True,
        default=None,
        write_only=True,
        max_length=128,
        help_text="Managers and admins only: the contact's password, set directly (an "
        "agent's is refused, 400 on `password`; invite the contact instead).",
    )


class ContactPasswordSerializer(StrictInputSerializer):
    password = serializers.CharField(write_only=True, max_length=128)
