"""The periodic jobs, run by Celery beat (settings.CELERY_BEAT_SCHEDULE). Each task is
idempotent and safe to run twice or concurrently."""

from datetime import timedelta

from celery.schedules import crontab

BEAT_SCHEDULE: dict = {
    # The event bus: events whose delivery never started (a process died after the commit)
    # or whose retry is due; and forgetting events delivered a week ago.
    "core-drain-due-events": {"task": "core.drain_due", "schedule": 10.0},
    "core-purge-events": {"task": "core.purge_events", "schedule": timedelta(days=1)},
    # Integrations: outbound handler retries whose backoff has passed, IMAP mailboxes, and
    # Idempotency-Keys past their retention.
    "integrations-retry-deliveries": {
        "task": "integrations.tasks.retry_due_deliveries",
        "schedule": 30.0,
    },
    "integrations-poll-mailboxes": {"task": "integrations.tasks.poll_mailboxes", "schedule": 60.0},
    "integrations-purge-idempotency": {
        "task": "integrations.tasks.purge_idempotency_keys",
        "schedule": 3600.0,
    },
    # Queued notifications that are due (after quiet hours, retries with backoff).
    "notifications-deliver-due": {"task": "notifications.deliver_due", "schedule": 60.0},
    # Hourly and daily digests: each agent's fall due at their own local time.
    "notifications-send-digests": {"task": "notifications.send_digests", "schedule": 300.0},
    # SLA clocks crossing warning or breach; due reminders.
    "sla-scan-clocks": {"task": "sla.scan_clocks", "schedule": 60.0},
    "sla-fire-due-reminders": {"task": "sla.fire_due_reminders", "schedule": 60.0},
    # Envelopes waiting too long: escalation.age_exceeded rules, once per rule and envelope.
    "escalations-fire-age-rules": {"task": "escalations.fire_age_rules", "schedule": 60.0},
    # Safety net: open tickets left without a team (a crashed worker, a lost message).
    "routing-route-unrouted": {
        "task": "routing.tasks.route_unrouted_tickets",
        "schedule": 120.0,
    },
    # Measured velocity and SLA compliance per team and category, for the scorers.
    "routing-refresh-team-metrics": {
        "task": "routing.tasks.refresh_team_metrics",
        "schedule": 900.0,
    },
    # Learned triage: a new model from the week's resolved tickets.
    "routing-train-triage": {
        "task": "routing.tasks.train_triage_model",
        "schedule": timedelta(days=7),
    },
    # Calibration: Monday 02:00 UTC, the queue of the ISO week that just ended (idempotent).
    "resolutions-generate-calibration": {
        "task": "resolutions.generate_calibration",
        "schedule": crontab(minute=0, hour=2, day_of_week="mon"),
    },
}
