"""What the ticket page shows of semantic triage: the top teams it read in the ticket with
their similarity, its confidence, and whether the ticket still needs triage (it was sent to
the triage queue, or to a guess, and nobody has moved it since)."""


def triage_panel(ticket, decision) -> dict | None:
    """From the ticket's latest decision; None when triage did not run for it."""
    document = getattr(decision, "triage", None) or {}
    if not document:
        return None
    waiting = document.get("needs_triage", False) and ticket.team_id == decision.team_id
    return {
        "provider": document.get("provider", ""),
        "category": document.get("category", ""),
        "confidence": document.get("confidence", 0.0),
        "threshold": document.get("threshold", 0.0),
        "teams": document.get("teams", [])[:3],
        "needs_triage": waiting and ticket.is_open,
    }
