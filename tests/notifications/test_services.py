"""notify(): recipients, the preference matrix, quiet hours, requester safety, in-app push."""

import asyncio
import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import mail

from core.exceptions import DomainValidationError, NotPermitted
from notifications.actions import notify as notifying
from notifications.models import (
    Notification,
    NotificationQueue,
    QueueStatus,
)
from notifications.realtime import user_group
from tests import factories
from tests.notifications.factories import (
    NotificationPreferenceFactory,
    QuietHoursFactory,
    TeamChannelFactory,
)
from tickets.models import TimelineEntry

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def notify(capture, **kwargs):
    """notify() and run what it scheduled after commit (delivery, push)."""
    kwargs.setdefault("payload", {})
    with capture(execute=True):
        return notifying.notify(**kwargs)


def set_timezone(user, tz: str) -> None:
    user.agent_profile.timezone = tz
    user.agent_profile.save()


# --- recipients -----------------------------------------------------------------------------


def test_team_recipient_expands_to_active_members_once(
    team, agent, ticket, django_capture_on_commit_callbacks
):
    second = factories.AgentFactory(teams=[team])
    gone = factories.AgentFactory(teams=[team])
    gone.is_active = False
    gone.save()
    factories.AgentFactory(teams=[factories.TeamFactory(slug="elsewhere")])

    result = notify(
        django_capture_on_commit_callbacks,
        recipients=["team:network", agent],  # agent named twice: once by team, once directly
        event_type="assigned",
        ticket=ticket,
    )

    assert {n.user_id for n in result.notifications} == {agent.pk, second.pk}
    assert sorted(m.to[0].split("<")[1].rstrip(">") for m in mail.outbox) == sorted(
        [agent.email, second.email]
    )


def test_unknown_team_is_refused_and_nothing_is_written(agent, ticket):
    with pytest.raises(DomainValidationError) as error:
        notifying.notify(recipients=["team:nope", agent], event_type="assigned", payload={})
    assert "nope" in str(error.value.errors["recipients"])
    assert not Notification.objects.exists()
    assert not NotificationQueue.objects.exists()


@pytest.mark.parametrize("bad", ["group:network", "team:", "agent", 42])
def test_malformed_recipients_are_refused(db, bad):
    with pytest.raises(DomainValidationError):
        notifying.notify(recipients=[bad], event_type="assigned", payload={})


def test_agent_and_requester_by_email(agent, requester, ticket, django_capture_on_commit_callbacks):
    notify(
        django_capture_on_commit_callbacks,
        recipients=[f"agent:{agent.email.upper()}"],
        event_type="mention",
        ticket=ticket,
        payload={"actor_name": "Sam"},
    )
    notify(
        django_capture_on_commit_callbacks,
        recipients=[f"requester:{requester.email}"],
        event_type="ticket_received",
        ticket=ticket,
    )
    assert mail.outbox[0].to[0].endswith(f"<{agent.email}>")
    assert requester.email in mail.outbox[1].to[0]
    with pytest.raises(DomainValidationError):
        notifying.notify(recipients=["agent:nobody@x.example"], event_type="mention", payload={})
    with pytest.raises(DomainValidationError):
        notifying.notify(
            recipients=["requester:nobody@x.example"], event_type="resolved", payload={}
        )


def test_a_requester_user_counts_as_their_contact(requester, ticket):
    result = notifying.notify(
        recipients=[requester], event_type="ticket_received", ticket=ticket, payload={}
    )
    assert [row.contact_id for row in result.queued] == [requester.contact.pk]
    assert result.notifications == []


def test_event_types_must_fit_the_audience(agent, requester, ticket):
    with pytest.raises(DomainValidationError):
        notifying.notify(recipients=[agent], event_type="resolved", ticket=ticket, payload={})
    with pytest.raises(DomainValidationError):
        notifying.notify(
            recipients=[requester.contact], event_type="assigned", ticket=ticket, payload={}
        )
    with pytest.raises(DomainValidationError):
        notifying.notify(recipients=[agent], event_type="party", payload={})


# --- the preference matrix --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("preference", "in_app", "emails", "email_timing", "chats"),
    [
        (None, 1, 1, "immediate", set()),  # default for assigned: e-mail + in-app
        ({"email": False, "in_app": True}, 1, 0, None, set()),
        ({"email": True, "in_app": False}, 0, 1, "immediate", set()),
        ({"email": True, "in_app": False, "timing": "hourly"}, 0, 1, "hourly", set()),
        ({"email": True, "in_app": True, "timing": "daily"}, 1, 1, "daily", set()),
        ({"email": False, "in_app": False, "slack": True}, 0, 0, None, {"slack"}),
        (
            {"email": False, "in_app": False, "teams": True, "slack": True},
            0,
            0,
            None,
            {"slack", "teams"},
        ),
        ({"email": False, "in_app": False}, 0, 0, None, set()),  # opted out entirely
    ],
)
def test_preference_matrix(agent, team, ticket, preference, in_app, emails, email_timing, chats):
    TeamChannelFactory(team=team, kind="slack")
    TeamChannelFactory(team=team, kind="teams", webhook_url="https://teams.example.com/hook")
    if preference is not None:
        NotificationPreferenceFactory(user=agent, event_type="assigned", **preference)

    result = notifying.notify(recipients=[agent], event_type="assigned", ticket=ticket, payload={})

    assert len(result.notifications) == in_app
    email_rows = [row for row in result.queued if row.channel == "email"]
    assert len(email_rows) == emails
    if email_timing:
        assert email_rows[0].timing == email_timing
    assert {row.channel for row in result.queued} - {"email"} == chats


def test_reply_defaults_to_in_app_only(agent, ticket):
    result = notifying.notify(recipients=[agent], event_type="reply", ticket=ticket, payload={})
    assert len(result.notifications) == 1
    assert result.queued == []


def test_a_preference_for_one_event_leaves_the_others_at_default(agent, ticket):
    NotificationPreferenceFactory(user=agent, event_type="mention", email=False)
    result = notifying.notify(recipients=[agent], event_type="assigned", ticket=ticket, payload={})
    assert [row.channel for row in result.queued] == ["email"]


def test_chat_goes_once_per_team_channel(team, agent, ticket):
    TeamChannelFactory(team=team, kind="slack")
    second = factories.AgentFactory(teams=[team])
    for user in (agent, second):
        NotificationPreferenceFactory(user=user, event_type="sla_warning", email=False, slack=True)
    result = notifying.notify(
        recipients=["team:network"], event_type="sla_warning", ticket=ticket, payload={}
    )
    assert [row.channel for row in result.queued] == ["slack"]


def test_chat_uses_the_team_the_agent_was_reached_through(team, other_team, ticket):
    both = factories.AgentFactory(teams=[team, other_team])
    NotificationPreferenceFactory(user=both, event_type="envelope", email=False, slack=True)
    TeamChannelFactory(team=team, webhook_url="https://hooks.example.com/network")
    apps_channel = TeamChannelFactory(team=other_team, webhook_url="https://hooks.example.com/apps")
    result = notifying.notify(
        recipients=["team:apps"], event_type="envelope", ticket=ticket, payload={}
    )
    assert [row.team_channel for row in result.queued] == [apps_channel]


def test_users_without_email_get_no_email_row(team, ticket):
    silent = factories.AgentFactory(teams=[team], email="")
    result = notifying.notify(recipients=[silent], event_type="assigned", ticket=ticket, payload={})
    assert result.queued == []
    assert len(result.notifications) == 1


# --- quiet hours ------------------------------------------------------------------------------


def test_quiet_hours_hold_immediate_email_until_they_end(
    agent, ticket, time_machine, django_capture_on_commit_callbacks
):
    set_timezone(agent, "Asia/Tokyo")
    QuietHoursFactory(user=agent, start=dt.time(22), end=dt.time(7))
    time_machine.move_to(dt.datetime(2026, 3, 10, 14, 30, tzinfo=UTC), tick=False)  # 23:30 Tokyo

    result = notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    )

    row = result.queued[0]
    assert row.scheduled_for == dt.datetime(2026, 3, 10, 22, 0, tzinfo=UTC)  # 07:00 Tokyo
    assert mail.outbox == []
    assert len(result.notifications) == 1  # in-app is silent: created at once

    from notifications.tasks import deliver_due_notifications

    time_machine.move_to(dt.datetime(2026, 3, 10, 21, 59, tzinfo=UTC), tick=False)
    assert deliver_due_notifications.delay().get() == 0
    time_machine.move_to(dt.datetime(2026, 3, 10, 22, 0, tzinfo=UTC), tick=False)
    assert deliver_due_notifications.delay().get() == 1
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == QueueStatus.SENT


def test_same_instant_is_quiet_in_one_zone_and_not_in_another(
    team, ticket, time_machine, django_capture_on_commit_callbacks
):
    tokyo = factories.AgentFactory(teams=[team])
    london = factories.AgentFactory(teams=[team])
    set_timezone(tokyo, "Asia/Tokyo")
    set_timezone(london, "Europe/London")
    for user in (tokyo, london):
        QuietHoursFactory(user=user, start=dt.time(22), end=dt.time(7))
    time_machine.move_to(dt.datetime(2026, 7, 1, 14, 0, tzinfo=UTC), tick=False)  # 23:00 / 15:00

    notify(
        django_capture_on_commit_callbacks,
        recipients=["team:network"],
        event_type="assigned",
        ticket=ticket,
    )

    assert len(mail.outbox) == 1
    assert london.email in mail.outbox[0].to[0]
    held = NotificationQueue.objects.get(user=tokyo)
    assert held.status == QueueStatus.PENDING
    assert held.scheduled_for == dt.datetime(2026, 7, 1, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(("priority", "sent_at_once"), [("critical", True), ("high", False)])
def test_only_a_critical_sla_breach_breaks_quiet_hours(
    agent, team, requester, time_machine, django_capture_on_commit_callbacks, priority, sent_at_once
):
    ticket = factories.TicketFactory(team=team, requester=requester.contact, priority=priority)
    QuietHoursFactory(user=agent, start=dt.time(22), end=dt.time(7))
    time_machine.move_to(dt.datetime(2026, 1, 5, 3, 0, tzinfo=UTC), tick=False)

    notify(
        django_capture_on_commit_callbacks,
        recipients=[agent],
        event_type="sla_breach",
        ticket=ticket,
    )

    assert len(mail.outbox) == (1 if sent_at_once else 0)


def test_disabled_quiet_hours_do_not_hold(
    agent, ticket, time_machine, django_capture_on_commit_callbacks
):
    QuietHoursFactory(user=agent, start=dt.time(22), end=dt.time(7), enabled=False)
    time_machine.move_to(dt.datetime(2026, 1, 5, 3, 0, tzinfo=UTC), tick=False)
    notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    )
    assert len(mail.outbox) == 1


# --- requesters never get internal content ----------------------------------------------------


@pytest.mark.parametrize(
    "payload",
    [
        {"internal": True, "content": "x"},
        {"visibility": "internal"},
        {"visibility": "envelope_only"},
    ],
)
def test_internal_payload_to_a_requester_is_refused(requester, ticket, payload):
    with pytest.raises(NotPermitted):
        notifying.notify(
            recipients=[requester.contact],
            event_type="public_reply",
            ticket=ticket,
            payload=payload,
        )
    assert not NotificationQueue.objects.exists()


def test_an_internal_timeline_entry_is_refused_and_a_public_one_goes(
    requester, ticket, django_capture_on_commit_callbacks
):
    secret = factories.TimelineEntryFactory(
        ticket=ticket, visibility=TimelineEntry.Visibility.INTERNAL, content="Server pwd is hunter2"
    )
    with pytest.raises(NotPermitted):
        notifying.notify(
            recipients=[requester.contact],
            event_type="public_reply",
            ticket=ticket,
            payload={"entry_id": str(secret.pk), "content": secret.content},
        )
    with pytest.raises(NotPermitted):
        notifying.notify(
            recipients=[requester.contact],
            event_type="public_reply",
            ticket=ticket,
            payload={"entry_id": "not-a-uuid", "content": "x"},
        )
    public = factories.TimelineEntryFactory(ticket=ticket, content="We replaced the router.")
    notify(
        django_capture_on_commit_callbacks,
        recipients=[requester.contact],
        event_type="public_reply",
        ticket=ticket,
        payload={"entry_id": str(public.pk), "content": public.content},
    )
    assert "We replaced the router." in mail.outbox[0].body
    assert "hunter2" not in mail.outbox[0].body


def test_requester_payload_keeps_only_public_keys(requester, ticket):
    result = notifying.notify(
        recipients=[requester.contact],
        event_type="public_reply",
        ticket=ticket,
        payload={"content": "Hello", "note_for_agents": "internal detail", "actor_name": "Kim"},
    )
    assert result.queued[0].payload == {"content": "Hello", "actor_name": "Kim"}


def test_internal_payload_to_agents_is_fine(agent, ticket):
    result = notifying.notify(
        recipients=[agent], event_type="reply", ticket=ticket, payload={"visibility": "internal"}
    )
    assert len(result.notifications) == 1


# --- in-app and websocket push ----------------------------------------------------------------


@pytest.mark.held_commits
def test_in_app_notification_is_pushed_to_the_users_group_after_commit(
    agent, ticket, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(agent.pk), channel)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = notifying.notify(
            recipients=[agent], event_type="reply", ticket=ticket, payload={"actor_name": "Kim"}
        )
    assert callbacks  # nothing pushed before commit
    for callback in callbacks:
        callback()

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=2)

    message = async_to_sync(receive)()
    async_to_sync(layer.group_discard)(user_group(agent.pk), channel)
    assert message["type"] == "notification.created"
    assert message["notification"]["id"] == str(result.notifications[0].pk)
    assert message["notification"]["title"] == f"[{ticket.reference}] New reply: {ticket.title}"
    assert message["notification"]["ticket"] == str(ticket.pk)


def test_payload_values_are_stored_as_json(agent, ticket):
    due = dt.datetime(2026, 1, 1, 12, tzinfo=UTC)
    result = notifying.notify(
        recipients=[agent], event_type="sla_warning", ticket=ticket, payload={"due_at": due}
    )
    assert result.notifications[0].payload == {"due_at": "2026-01-01T12:00:00Z"}
    with pytest.raises(DomainValidationError):
        notifying.notify(recipients=[agent], event_type="sla_warning", payload=["x"])
