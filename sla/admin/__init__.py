"""The SLA app's admin: policies (sla.admin.policies), calendars (sla.admin.calendars) and the
records of clocks, crossings and reminders (sla.admin.clocks)."""

from sla.admin import calendars, clocks, policies  # noqa: F401  (registers the model admins)
