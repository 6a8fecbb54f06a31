"""Settings of the integrations: sources in, handlers out (read from the environment like the
rest; plugins are documented in docs/plugins.md)."""

import environ


def from_environment(env: environ.Env) -> dict:
    return {
        # Plugins by dotted path: a new system is a class and a line here (docs/plugins.md).
        "INTEGRATION_SOURCES": {
            "servicenow": "integrations.sources.servicenow.ServiceNowSource",
            "jira": "integrations.sources.jira.JiraSource",
            "glpi": "integrations.sources.glpi.GlpiSource",
            "solman": "integrations.sources.solman.SolmanSource",
            "generic": "integrations.sources.generic.GenericSource",
        },
        "INTEGRATION_HANDLERS": {
            "servicenow": "integrations.handlers.servicenow.ServiceNowHandler",
            "jira": "integrations.handlers.jira.JiraHandler",
            "generic": "integrations.handlers.generic.GenericHandler",
        },
        # Outbound calls to loopback and private ranges are refused unless this is on (tests, dev).
        "INTEGRATIONS_ALLOW_PRIVATE_TARGETS": env.bool(
            "INTEGRATIONS_ALLOW_PRIVATE_TARGETS", default=False
        ),
        "INTEGRATIONS_SIGNATURE_TOLERANCE": 300,  # seconds between X-Timestamp and now
        "INTEGRATIONS_IDEMPOTENCY_HOURS": env.int("INTEGRATIONS_IDEMPOTENCY_HOURS", default=48),
        "INTEGRATIONS_RETRY_BASE_SECONDS": env.float(
            "INTEGRATIONS_RETRY_BASE_SECONDS", default=30.0
        ),
        "INTEGRATIONS_RETRY_MAX_SECONDS": env.float(
            "INTEGRATIONS_RETRY_MAX_SECONDS", default=3600.0
        ),
    }
