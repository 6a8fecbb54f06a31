"""Settings of special case handling: calibration of resolutions, flags that act, repeat
contacts, CRM links (read from the environment like the rest; documented in
docs/case-handling.md and docs/resolutions.md)."""

import environ


def from_environment(env: environ.Env) -> dict:
    return {
        # Resolutions: how many tier-1/2 resolutions each week's calibration queue samples.
        "CALIBRATION_SAMPLE_SIZE": env.int("CALIBRATION_SAMPLE_SIZE", default=5),
        # The slug of the team a ``legal`` flag opens an envelope to. Empty: the flag is refused.
        "ITSM_LEGAL_TEAM": env.str("ITSM_LEGAL_TEAM", default=""),
        # Repeat contacts: a new ticket like an open (or lately resolved) one of the same
        # requester ("requester") or of anyone at the same company ("company").
        "ITSM_REPEAT_CONTACT_SCOPE": env.str("ITSM_REPEAT_CONTACT_SCOPE", default="requester"),
        "ITSM_REPEAT_CONTACT_WINDOW_DAYS": env.int("ITSM_REPEAT_CONTACT_WINDOW_DAYS", default=7),
        # The contact (the original counts as the first) that flags the original.
        "ITSM_REPEAT_CONTACT_THRESHOLD": env.int("ITSM_REPEAT_CONTACT_THRESHOLD", default=3),
        # The KB's cosine similarity (kb.text) above which two texts are one issue.
        "ITSM_REPEAT_CONTACT_MIN_SIMILARITY": env.float(
            "ITSM_REPEAT_CONTACT_MIN_SIMILARITY", default=0.3
        ),
        # The CRM whose ids contacts and companies carry in ``crm_id``.
        "ITSM_CRM_NAME": env.str("ITSM_CRM_NAME", default="HubSpot"),
        # A requester at a subdomain of a company's domain (eu.acme.com for acme.com) joins it.
        "ITSM_COMPANY_MATCH_SUBDOMAINS": env.bool("ITSM_COMPANY_MATCH_SUBDOMAINS", default=True),
    }
