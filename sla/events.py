"""The SLA app's domain events, published on the ticket's stream (tickets.events.stream_of):

- ``sla.warning`` / ``sla.breached``: a crossing was recorded. Data: ``ticket`` (the ticket's
  summary), ``kind`` (e.g. ``first_response_warning``), ``threshold_at``, ``policy``, ``notify``
  (who the policy's escalation actions name: owner, team, managers) and ``message``.
- ``sla.reminder_due``: a reminder fell due. Data: ``ticket`` ({"id"} or None), ``user``,
  ``reminder``, ``kind``, ``message``, ``trigger_at``.
"""

SLA_WARNING = "sla.warning"
SLA_BREACHED = "sla.breached"
REMINDER_DUE = "sla.reminder_due"
