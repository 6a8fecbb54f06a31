"""What matching rules do besides choosing a team: flags to set (applied with the decision by
the ticket's action) and people to tell (``routing.alert`` events, delivered by the
notifications app)."""

import re

from core.events import publish_many
from tickets.events import stream_of

ROUTING_ALERT = "routing.alert"


def rule_flags(effects) -> tuple[tuple[str, str], ...]:
    """The add_flag actions of the matching rules, as (kind, note)."""
    return tuple(
        (effect["value"], f"Added by routing rule '{effect['rule']}'.")
        for effect in effects
        if effect["type"] == "add_flag"
    )


_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)*)\}")


def render_message(message: str, values: dict) -> str:
    """``{ticket.reference}``-style placeholders from ``values``; unknown ones stay as they are."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), message)


def publish_alerts(*, ticket, effects, event: str, facts: dict) -> None:
    """One ``routing.alert`` event per matching ``notify`` action, on the ticket's stream: who
    (``to``: owner, managers, team (the ticket's), team:<slug>, agent:<email>), the message
    with its placeholders filled, and the rule."""
    publish_many(alert_events(ticket=ticket, effects=effects, event=event, facts=facts))


def alert_events(*, ticket, effects, event: str, facts: dict) -> list[tuple[str, str, dict]]:
    """What ``publish_alerts`` records, as ``(name, stream, data)`` for core.events.publish_many
    (a batch records every ticket's alerts in one statement)."""
    values = {
        "ticket.id": ticket.pk,
        "ticket.reference": ticket.reference,
        "ticket.title": ticket.title,
        "ticket.priority": ticket.priority,
        "event": event,
        **{str(k): v for k, v in facts.items()},
    }
    alerts = []
    for effect in effects:
        if effect["type"] != "notify":
            continue
        message = effect.get("message") or f"Rule '{effect['rule']}' matched."
        data = {
            "ticket": {"id": str(ticket.pk)},
            "to": effect["to"],
            "message": render_message(message, values),
            "rule": effect["rule"],
            "event": event,
        }
        alerts.append((ROUTING_ALERT, stream_of(ticket.pk), data))
    return alerts
