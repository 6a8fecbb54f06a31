"""Routing in the admin: rules (routing.admin.rules), weights (routing.admin.weights), the
rest (routing.admin.other). Importing the package registers them all."""

from routing.admin import other, rules, triage, weights  # noqa: F401 (registers the admin classes)
