"""The resolutions app's domain events, on the ticket's stream (tickets.events.stream_of).
Each carries ``resolution`` (its id), ``ticket``, ``tier``, ``status``, ``agent`` (user id) and
``team`` (id or null); ``resolution.decided`` also ``decided_by`` (user id) and ``reason``."""

RESOLUTION_CREATED = "resolution.created"
RESOLUTION_DECIDED = "resolution.decided"
