"""The escalations app's domain events, on the ticket's stream. Each carries ``ticket`` (the
ticket's summary), ``actor`` and ``envelope`` ({"id", "status", "team": {"id", "slug"} | null,
"agent": user id | null, "reason"}); ``envelope.completed`` also ``summary``."""

ENVELOPE_CREATED = "envelope.created"
ENVELOPE_ACCEPTED = "envelope.accepted"
ENVELOPE_COMPLETED = "envelope.completed"
ENVELOPE_CANCELLED = "envelope.cancelled"
