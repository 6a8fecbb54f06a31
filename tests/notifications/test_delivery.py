"""Delivery: e-mail content and threading headers (locmem outbox), Teams/Slack against a real
local HTTP peer (pytest-httpserver), retries with backoff, digests grouped by ticket."""

import datetime as dt
import json
import re
from email.utils import getaddresses

import pytest
from django.core import mail
from werkzeug import Response

from notifications import csat
from notifications.actions import delivery, queue
from notifications.actions import notify as notifying
from notifications.csat import read_token
from notifications.models import MessageTemplate, NotificationQueue, QueueStatus
from notifications.tasks import deliver_due_notifications, send_digests
from tests import factories
from tests.notifications.factories import NotificationPreferenceFactory, TeamChannelFactory
from tickets.actions import lifecycle, ownership

# These tests run the delivery by hand, step by step: nothing runs by itself after a commit.
pytestmark = [pytest.mark.django_db, pytest.mark.held_commits]

UTC = dt.UTC
T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def notify(capture, **kwargs):
    kwargs.setdefault("payload", {})
    with capture(execute=True):
        return notifying.notify(**kwargs)


# --- e-mail -----------------------------------------------------------------------------------


def test_agent_email_content_and_threading_headers(
    agent, ticket, django_capture_on_commit_callbacks
):
    result = notify(
        django_capture_on_commit_callbacks,
        recipients=[agent],
        event_type="assigned",
        ticket=ticket,
        payload={"message": "Please call the customer."},
    )
    [email] = mail.outbox
    row = result.queued[0]
    assert email.subject == f"[{ticket.reference}] Assigned to you: {ticket.title}"
    assert email.from_email == "Service Desk <servicedesk@desk.example.com>"
    assert email.to == [f"{agent.get_full_name()} <{agent.email}>"]
    assert email.reply_to == [f"support+{ticket.reference}@desk.example.com"]
    assert email.extra_headers["Message-ID"] == f"<notification.{row.pk}@desk.example.com>"
    assert email.extra_headers["In-Reply-To"] == f"<ticket.{ticket.pk}@desk.example.com>"
    assert email.extra_headers["References"] == f"<ticket.{ticket.pk}@desk.example.com>"
    assert email.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "Please call the customer." in email.body
    assert f"https://desk.example.com/tickets/{ticket.pk}/" in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://desk.example.com/tickets/{ticket.pk}/"' in html
    # The message as it goes on the wire carries the same headers.
    wire = email.message()
    assert wire["Message-ID"] == f"<notification.{row.pk}@desk.example.com>"
    assert wire["Reply-To"] == f"support+{ticket.reference}@desk.example.com"


def test_every_email_of_a_ticket_threads_under_its_first(
    requester, agent, ticket, django_capture_on_commit_callbacks
):
    notify(
        django_capture_on_commit_callbacks,
        recipients=[requester.contact],
        event_type="ticket_received",
        ticket=ticket,
    )
    notify(
        django_capture_on_commit_callbacks,
        recipients=[requester.contact],
        event_type="public_reply",
        ticket=ticket,
        payload={"content": "Try restarting."},
    )
    first, reply = mail.outbox
    root = f"<ticket.{ticket.pk}@desk.example.com>"
    assert first.extra_headers["Message-ID"] == root
    assert "In-Reply-To" not in first.extra_headers
    assert reply.extra_headers["In-Reply-To"] == root
    assert reply.extra_headers["Message-ID"] != root
    assert "Try restarting." in reply.body
    assert "Reply to this e-mail" in reply.body


def test_header_injection_is_neutralised(team, django_capture_on_commit_callbacks):
    contact = factories.ContactFactory(name="Eve\r\nBcc: victim@example.com")
    ticket = factories.TicketFactory(
        team=team, requester=contact, title="Help\r\nBcc: all@example.com\nX-Evil: 1"
    )
    notify(
        django_capture_on_commit_callbacks,
        recipients=[contact],
        event_type="ticket_received",
        ticket=ticket,
    )
    [email] = mail.outbox
    assert "\n" not in email.subject and "\r" not in email.subject
    assert "\n" not in email.to[0] and "\r" not in email.to[0]
    wire = email.message()
    assert wire["Bcc"] is None
    assert wire["X-Evil"] is None
    assert [address for _name, address in getaddresses(email.recipients())] == [contact.email]


def test_resolved_email_carries_a_working_satisfaction_link(
    agent, requester, ticket, django_capture_on_commit_callbacks
):
    ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
    ticket = lifecycle.resolve_ticket(ticket_id=ticket.pk, actor=agent, resolution="Reset")
    notify(
        django_capture_on_commit_callbacks,
        recipients=[requester.contact],
        event_type="resolved",
        ticket=ticket,
        payload={"resolution": ticket.resolution},
    )
    [email] = mail.outbox
    # The token carries the second it was signed: read the links the e-mail holds.
    pattern = r"https://desk\.example\.com/csat/([^/\s\"]+)/"
    assert csat.csat_link(ticket).startswith("https://desk.example.com/csat/")
    [text_token] = re.findall(pattern, email.body)
    [html_token] = set(re.findall(pattern, email.alternatives[0][0]))
    for token in (text_token, html_token):
        assert read_token(token).ticket_id == str(ticket.pk)
    assert "Resolution: Reset" in email.body


def test_a_message_template_overrides_the_default_wording(
    agent, ticket, django_capture_on_commit_callbacks
):
    MessageTemplate.objects.create(
        event_type="assigned",
        subject="New work: {{ ticket.reference }}",
        body="Hi, {{ ticket.title }} <b>is yours</b>.",
    )
    result = notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    )
    [email] = mail.outbox
    assert email.subject == f"New work: {ticket.reference}"
    assert "<b>is yours</b>" in email.body  # plain text stays as written
    assert "&lt;b&gt;is yours&lt;/b&gt;" in email.alternatives[0][0]  # HTML is escaped
    assert result.notifications[0].title == f"New work: {ticket.reference}"


def test_delivering_the_same_row_twice_sends_once(agent, ticket):
    row = notifying.notify(
        recipients=[agent], event_type="assigned", ticket=ticket, payload={}
    ).queued[0]
    assert delivery.deliver_queued(queue_id=row.pk) == QueueStatus.SENT
    assert delivery.deliver_queued(queue_id=row.pk) is None
    assert len(mail.outbox) == 1


def test_a_row_left_sending_by_a_dead_worker_is_picked_up_after_its_lease(
    agent, ticket, time_machine
):
    time_machine.move_to(T0, tick=False)
    row = notifying.notify(
        recipients=[agent], event_type="assigned", ticket=ticket, payload={}
    ).queued[0]
    NotificationQueue.objects.filter(pk=row.pk).update(
        status=QueueStatus.SENDING, attempts=1, scheduled_for=T0 + delivery.LEASE
    )
    assert deliver_due_notifications.delay().get() == 0
    time_machine.move_to(T0 + delivery.LEASE, tick=False)
    assert deliver_due_notifications.delay().get() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, len(mail.outbox)) == (QueueStatus.SENT, 2, 1)


# --- Teams and Slack --------------------------------------------------------------------------


def test_slack_message_is_posted_to_the_teams_webhook(
    agent, team, ticket, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/slack/hook", method="POST").respond_with_data("ok")
    TeamChannelFactory(team=team, kind="slack", webhook_url=httpserver.url_for("/slack/hook"))
    NotificationPreferenceFactory(user=agent, event_type="sla_warning", email=False, slack=True)

    result = notify(
        django_capture_on_commit_callbacks,
        recipients=[agent],
        event_type="sla_warning",
        ticket=ticket,
        payload={"due_at": "2026-04-01T12:00:00Z"},
    )

    [(request, _response)] = httpserver.log
    body = json.loads(request.data)
    assert request.headers["Content-Type"] == "application/json"
    assert body["text"].startswith(f"[{ticket.reference}] SLA warning")
    assert f"/tickets/{ticket.pk}/|Open in the service desk>" in body["blocks"][0]["text"]["text"]
    result.queued[0].refresh_from_db()
    assert result.queued[0].status == QueueStatus.SENT


def test_teams_card_is_posted(agent, team, ticket, httpserver, django_capture_on_commit_callbacks):
    httpserver.expect_request("/teams", method="POST").respond_with_data("", status=202)
    TeamChannelFactory(team=team, kind="teams", webhook_url=httpserver.url_for("/teams"))
    NotificationPreferenceFactory(user=agent, event_type="assigned", email=False, teams=True)

    notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    )

    [(request, _response)] = httpserver.log
    card = json.loads(request.data)["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["body"][0]["text"].startswith(f"[{ticket.reference}] Assigned")
    assert card["content"]["actions"][0]["url"] == f"https://desk.example.com/tickets/{ticket.pk}/"


def test_a_failing_webhook_is_retried_with_backoff_then_marked_failed(
    agent, team, ticket, httpserver, time_machine, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("upstream down", status=503)
    TeamChannelFactory(team=team, kind="slack", webhook_url=httpserver.url_for("/hook"))
    NotificationPreferenceFactory(user=agent, event_type="assigned", email=False, slack=True)
    time_machine.move_to(T0, tick=False)

    row = notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    ).queued[0]

    row.refresh_from_db()
    assert (row.status, row.attempts) == (QueueStatus.PENDING, 1)
    assert row.last_error == "DeliveryError: HTTP 503: upstream down"
    assert row.scheduled_for == T0 + dt.timedelta(minutes=1)

    now, waits = T0, []
    while row.status == QueueStatus.PENDING:
        waits.append(row.scheduled_for - now)
        now = row.scheduled_for
        time_machine.move_to(now - dt.timedelta(seconds=1), tick=False)
        assert deliver_due_notifications.delay().get() == 0  # not before its time
        time_machine.move_to(now, tick=False)
        deliver_due_notifications.delay().get()
        row.refresh_from_db()

    assert waits == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert (row.status, row.attempts) == (QueueStatus.FAILED, delivery.max_attempts())
    assert len(httpserver.log) == delivery.max_attempts()

    # The peer recovers; an admin retries the failed row.
    httpserver.clear()
    httpserver.expect_request("/hook").respond_with_data("ok")
    with django_capture_on_commit_callbacks(execute=True):
        assert queue.retry_queued(queue_ids=[row.pk], actor=None) == 1
    row.refresh_from_db()
    assert row.status == QueueStatus.SENT
    assert len(httpserver.log) == 1


def test_a_recovering_peer_gets_the_message_on_the_next_attempt(
    agent, team, ticket, httpserver, time_machine, django_capture_on_commit_callbacks
):
    calls = []

    def flaky(request):
        calls.append(request)
        return Response("busy", status=500) if len(calls) == 1 else Response("ok")

    httpserver.expect_request("/hook").respond_with_handler(flaky)
    TeamChannelFactory(team=team, kind="slack", webhook_url=httpserver.url_for("/hook"))
    NotificationPreferenceFactory(user=agent, event_type="assigned", email=False, slack=True)
    time_machine.move_to(T0, tick=False)
    row = notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    ).queued[0]
    time_machine.move_to(T0 + dt.timedelta(minutes=1), tick=False)
    deliver_due_notifications.delay().get()
    row.refresh_from_db()
    assert (row.status, row.attempts, len(calls)) == (QueueStatus.SENT, 2, 2)
    assert row.last_error == ""


def test_a_gone_webhook_fails_at_once(
    agent, team, ticket, httpserver, django_capture_on_commit_callbacks
):
    httpserver.expect_request("/hook").respond_with_data("no such hook", status=404)
    TeamChannelFactory(team=team, kind="slack", webhook_url=httpserver.url_for("/hook"))
    NotificationPreferenceFactory(user=agent, event_type="assigned", email=False, slack=True)
    row = notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    ).queued[0]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (QueueStatus.FAILED, 1)
    assert "404" in row.last_error


def test_an_unreachable_webhook_is_retried(
    agent, team, ticket, httpserver, django_capture_on_commit_callbacks
):
    url = httpserver.url_for("/hook")
    httpserver.stop()  # nothing listens on that port any more
    TeamChannelFactory(team=team, kind="slack", webhook_url=url)
    NotificationPreferenceFactory(user=agent, event_type="assigned", email=False, slack=True)
    try:
        row = notify(
            django_capture_on_commit_callbacks,
            recipients=[agent],
            event_type="assigned",
            ticket=ticket,
        ).queued[0]
    finally:
        httpserver.start()
    row.refresh_from_db()
    assert row.status == QueueStatus.PENDING
    assert "ConnectError" in row.last_error


def test_a_failing_mail_server_is_retried(
    agent, ticket, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    row = notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    ).queued[0]
    row.refresh_from_db()
    assert (row.status, row.attempts) == (QueueStatus.PENDING, 1)
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()


# --- digests ----------------------------------------------------------------------------------


def test_hourly_digest_one_email_per_agent_grouped_by_ticket(
    team, requester, time_machine, django_capture_on_commit_callbacks
):
    first = factories.AgentFactory(teams=[team])
    second = factories.AgentFactory(teams=[team])
    for user in (first, second):
        for event in ("assigned", "sla_warning", "mention"):
            NotificationPreferenceFactory(user=user, event_type=event, timing="hourly")
    vpn = factories.TicketFactory(team=team, requester=requester.contact, title="VPN down")
    printer = factories.TicketFactory(team=team, requester=requester.contact, title="Printer jam")
    time_machine.move_to(T0 + dt.timedelta(minutes=10), tick=False)

    for event, ticket in (("assigned", vpn), ("sla_warning", printer), ("mention", vpn)):
        notify(
            django_capture_on_commit_callbacks,
            recipients=["team:network"],
            event_type=event,
            ticket=ticket,
            payload={"actor_name": "Kim"},
        )
    assert mail.outbox == []  # nothing goes out before the hour
    assert send_digests.delay().get() == 0

    time_machine.move_to(T0 + dt.timedelta(hours=1), tick=False)
    assert send_digests.delay().get() == 2
    assert send_digests.delay().get() == 0  # idempotent: nothing left
    assert sorted(email.to[0] for email in mail.outbox) == sorted(
        f"{u.get_full_name()} <{u.email}>" for u in (first, second)
    )
    digest = mail.outbox[0]
    assert digest.subject == "Hourly digest: 3 notification(s)"
    # Grouped by ticket: each reference heads one group, holding that ticket's items.
    assert digest.body.count(f"== {vpn.reference}: VPN down ==") == 1
    assert digest.body.count(f"== {printer.reference}: Printer jam ==") == 1
    vpn_group = digest.body.split(f"== {vpn.reference}")[1].split("==")[1]
    assert "Assigned to you" in vpn_group and "Kim mentioned you" in vpn_group
    assert "SLA warning" not in vpn_group
    assert "Hourly digest" in digest.alternatives[0][0]
    assert set(NotificationQueue.objects.values_list("status", flat=True)) == {QueueStatus.SENT}


def test_daily_digest_goes_at_eight_in_the_agents_time_zone(
    agent, ticket, time_machine, django_capture_on_commit_callbacks
):
    agent.agent_profile.timezone = "America/New_York"
    agent.agent_profile.save()
    NotificationPreferenceFactory(user=agent, event_type="assigned", timing="daily")
    time_machine.move_to(dt.datetime(2026, 1, 5, 15, 0, tzinfo=UTC), tick=False)  # 10:00 EST
    notify(
        django_capture_on_commit_callbacks, recipients=[agent], event_type="assigned", ticket=ticket
    )

    time_machine.move_to(dt.datetime(2026, 1, 6, 12, 59, tzinfo=UTC), tick=False)  # 07:59 EST
    assert send_digests.delay().get() == 0
    time_machine.move_to(dt.datetime(2026, 1, 6, 13, 0, tzinfo=UTC), tick=False)  # 08:00 EST
    assert send_digests.delay().get() == 1
    assert mail.outbox[0].subject == "Daily digest: 1 notification(s)"
