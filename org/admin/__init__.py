"""Teams and agents in the admin (org.admin.teams, org.admin.agents); a user's page carries
their agent profile. CSV import and export of both (org.resources) run through org.actions."""

from org.admin import agents, leads, teams  # noqa: F401  (registers the model admins)
