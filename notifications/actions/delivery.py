"""Sending what notify() queued: the immediate rows one transaction made due in one batch (its
e-mails over one SMTP connection), one row at a time for the beat and the admin's retry, one
e-mail per agent and period for digests. Safe to run twice and from several workers at once.

A row is claimed in a short transaction (status ``sending``, attempts + 1, ``scheduled_for`` =
end of a lease), sent outside any transaction (no row lock is held during network I/O), then
marked ``sent``, or ``pending`` again with an exponential backoff (policy.backoff), or
``failed`` after MAX_ATTEMPTS or on a permanent error. A worker that dies mid-send leaves a
``sending`` row whose lease runs out; the next pass picks it up again. A batch does the same
for each of its rows: claimed together, each row's outcome recorded on that row alone."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from notifications import messages, policy, transport
from notifications.models import Channel, NotificationQueue, QueueStatus, Timing

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BATCH = 500
DIGEST_TIMINGS = (Timing.HOURLY, Timing.DAILY)


def max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_MAX_ATTEMPTS", 5)


def _due(queryset, now):
    return queryset.filter(
        status__in=[QueueStatus.PENDING, QueueStatus.SENDING], scheduled_for__lte=now
    )


def due_queue_ids(*, now=None) -> list:
    """Immediate rows whose time has come (first sends, retries, expired leases)."""
    now = now or timezone.now()
    rows = _due(NotificationQueue.objects.filter(timing=Timing.IMMEDIATE), now)
    return list(rows.order_by("scheduled_for").values_list("pk", flat=True)[:BATCH])


def due_count(*, now=None) -> int:
    """Rows of any timing whose time has come and that are not sent yet (a queue depth)."""
    return _due(NotificationQueue.objects.all(), now or timezone.now()).count()


def deliver_queued(*, queue_id) -> str | None:
    """Try to send one immediate row; returns its new status (None when it was not due)."""
    row = _claim(queue_id)
    if row is None:
        return None
    try:
        overrides = messages.template_overrides([row.event_type])
        if row.channel == Channel.EMAIL:
            transport.send_email(messages.email_for_row(row, overrides))
        else:
            transport.post_webhook(
                row.team_channel.webhook_url, messages.chat_payload(row, overrides)
            )
    except Exception as error:  # any failure is recorded on the row and retried
        return _record_failure([row.pk], error)
    return _record_success([row.pk])


@transaction.atomic
def _claim(queue_id) -> NotificationQueue | None:
    now = timezone.now()
    # The ticket and channel come with the locked row (only the row itself is locked).
    row = (
        _due(NotificationQueue.objects.select_for_update(of=("self",)), now)
        .select_related("ticket", "team_channel")
        .filter(pk=queue_id, timing=Timing.IMMEDIATE)
        .first()
    )
    if row is None:
        return None
    if row.channel != Channel.EMAIL and (
        row.team_channel is None or not row.team_channel.is_active
    ):
        row.status, row.last_error = QueueStatus.CANCELLED, "The team channel is gone or inactive."
        row.save(update_fields=["status", "last_error"])
        return None
    row.status = QueueStatus.SENDING
    row.attempts += 1
    row.scheduled_for = now + LEASE
    row.save(update_fields=["status", "attempts", "scheduled_for"])
    return row


def deliver_many_queued(*, queue_ids) -> int:
    """Try to send these immediate rows (those not due any more are skipped); returns how
    many were sent. Each failed row is retried or failed on its own, as deliver_queued does."""
    rows = _claim_many(queue_ids)
    if not rows:
        return 0
    overrides = messages.template_overrides({row.event_type for row in rows})
    emails = [row for row in rows if row.channel == Channel.EMAIL]
    outcomes = _send_emails(emails, overrides)
    outcomes += [(row, _post(row, overrides)) for row in rows if row.channel != Channel.EMAIL]
    sent = [row.pk for row, error in outcomes if error is None]
    if sent:
        _record_success(sent)
    # One record per distinct error: a server that is down fails the batch in one statement.
    failed: dict[int, tuple[Exception, list]] = {}
    for row, error in outcomes:
        if error is not None:
            failed.setdefault(id(error), (error, []))[1].append(row.pk)
    for error, ids in failed.values():
        _record_failure(ids, error)
    return len(sent)


def _send_emails(rows: list[NotificationQueue], overrides: dict) -> list[tuple]:
    """(row, error or None) for each e-mail row, all sent over one connection."""
    outcomes, built = [], []
    for row in rows:
        try:
            built.append((row, messages.email_for_row(row, overrides)))
        except Exception as error:  # a broken template fails its own row
            outcomes.append((row, error))
    errors = transport.send_emails([email for _, email in built])
    return outcomes + [(row, error) for (row, _), error in zip(built, errors, strict=True)]


def _post(row: NotificationQueue, overrides: dict) -> Exception | None:
    try:
        transport.post_webhook(row.team_channel.webhook_url, messages.chat_payload(row, overrides))
    except Exception as error:  # recorded on the row and retried
        return error
    return None


@transaction.atomic
def _claim_many(queue_ids) -> list[NotificationQueue]:
    """Lock and claim the rows that are due, in the order of ``queue_ids``; rows of a team
    channel that is gone or inactive are cancelled."""
    now = timezone.now()
    rows = list(
        _due(NotificationQueue.objects.select_for_update(of=("self",)), now)
        .select_related("ticket", "team_channel")
        .filter(pk__in=queue_ids, timing=Timing.IMMEDIATE)
    )
    gone = {
        row.pk
        for row in rows
        if row.channel != Channel.EMAIL
        and (row.team_channel is None or not row.team_channel.is_active)
    }
    if gone:
        NotificationQueue.objects.filter(pk__in=gone).update(
            status=QueueStatus.CANCELLED, last_error="The team channel is gone or inactive."
        )
    rows = [row for row in rows if row.pk not in gone]
    if rows:
        NotificationQueue.objects.filter(pk__in=[row.pk for row in rows]).update(
            status=QueueStatus.SENDING, attempts=F("attempts") + 1, scheduled_for=now + LEASE
        )
    for row in rows:
        row.status, row.attempts, row.scheduled_for = (
            QueueStatus.SENDING,
            row.attempts + 1,
            now + LEASE,
        )
    order = {str(queue_id): n for n, queue_id in enumerate(queue_ids)}
    return sorted(rows, key=lambda row: order.get(str(row.pk), len(order)))


@transaction.atomic
def _record_success(ids) -> str:
    NotificationQueue.objects.filter(pk__in=ids, status=QueueStatus.SENDING).update(
        status=QueueStatus.SENT, sent_at=timezone.now(), last_error=""
    )
    return QueueStatus.SENT


@transaction.atomic
def _record_failure(ids, error: Exception) -> str:
    permanent = isinstance(error, transport.DeliveryError) and error.permanent
    detail = f"{type(error).__name__}: {error}"[:2000]
    rows = list(NotificationQueue.objects.select_for_update().filter(pk__in=ids))
    now = timezone.now()
    status = QueueStatus.FAILED
    for row in rows:
        if permanent or row.attempts >= max_attempts():
            row.status = QueueStatus.FAILED
        else:
            row.status = QueueStatus.PENDING
            row.scheduled_for = now + policy.backoff(row.attempts)
        status = row.status
        row.last_error = detail
        row.save(update_fields=["status", "scheduled_for", "last_error"])
    logger.warning("Notification delivery failed (%s): %s", status, detail)
    return status


# --- digests ---------------------------------------------------------------------------------


def send_due_digests(*, now=None) -> int:
    """One e-mail per agent and digest timing for everything due; returns e-mails sent."""
    now = now or timezone.now()
    due = _due(
        NotificationQueue.objects.filter(timing__in=DIGEST_TIMINGS, channel=Channel.EMAIL), now
    )
    groups = sorted(set(due.values_list("user_id", "timing")), key=lambda g: (g[0], g[1]))
    return sum(1 for user_id, timing in groups if send_digest(user_id=user_id, timing=timing))


def send_digest(*, user_id, timing: str) -> bool:
    ids = _claim_digest(user_id, timing)
    if not ids:
        return False
    rows = list(
        NotificationQueue.objects.filter(pk__in=ids)
        .select_related("ticket")
        .order_by("ticket__reference", "created_at")
    )
    try:
        overrides = messages.template_overrides({row.event_type for row in rows})
        transport.send_email(messages.digest_email(rows=rows, overrides=overrides))
    except Exception as error:  # recorded on every row of the digest and retried together
        _record_failure(ids, error)
        return False
    _record_success(ids)
    return True


@transaction.atomic
def _claim_digest(user_id, timing: str) -> list:
    now = timezone.now()
    rows = list(
        _due(NotificationQueue.objects.select_for_update(), now).filter(
            user_id=user_id, timing=timing, channel=Channel.EMAIL
        )
    )
    for row in rows:
        row.status = QueueStatus.SENDING
        row.attempts += 1
        row.scheduled_for = now + LEASE
        row.save(update_fields=["status", "attempts", "scheduled_for"])
    return [row.pk for row in rows]
