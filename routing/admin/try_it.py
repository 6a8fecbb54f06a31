"""The rule form's "try it": the rule set of the form's event, with the form's unsaved rule in
place of its stored version, run against a stored ticket or a pasted StandardTicket through the
routing engine's read-only decision (routing.decide). Nothing is stored: no decision, no
timeline line, no audit row, no event."""

import json
import uuid
from dataclasses import dataclass

from django import forms

from routing import decide
from routing.api.serializers import StandardTicketSerializer
from routing.decide import Prepared
from routing.models import RoutingRule
from routing.snapshots import RuleSnapshot
from tickets.models import Ticket


class TryItForm(forms.Form):
    """Posted with the rule form; ``try_`` names keep clear of the rule's own fields."""

    try_reference = forms.CharField(
        required=False, max_length=64, label="Ticket", help_text="Reference or id"
    )
    try_ticket = forms.CharField(
        required=False,
        label="or a StandardTicket",
        widget=forms.Textarea(attrs={"rows": 6, "cols": 60, "spellcheck": "false"}),
        help_text='JSON as POST /api/v1/handlers/allocate takes it, e.g. {"ticket_id": "T-1", '
        '"title": "VPN down", "priority": "high"}',
    )

    def clean(self) -> dict:
        data = super().clean()
        reference = (data.get("try_reference") or "").strip()
        pasted = (data.get("try_ticket") or "").strip()
        if bool(reference) == bool(pasted):
            raise forms.ValidationError("Give a ticket reference or paste a ticket, not both.")
        if reference:
            data["ticket"] = self._stored(reference)
        else:
            data["payload"] = self._payload(pasted)
        return data

    def _stored(self, reference: str) -> Ticket:
        tickets = Ticket.objects.only("pk", "reference")
        try:
            ticket = tickets.filter(pk=uuid.UUID(reference)).first()
        except ValueError:
            ticket = tickets.filter(reference__iexact=reference).first()
        if ticket is None:
            raise forms.ValidationError({"try_reference": f"No ticket {reference}."})
        return ticket

    def _payload(self, pasted: str) -> dict:
        try:
            document = json.loads(pasted)
        except json.JSONDecodeError as error:
            raise forms.ValidationError({"try_ticket": f"Not JSON: {error}"}) from None
        serializer = StandardTicketSerializer(data=document)
        if not serializer.is_valid():
            problems = [
                f"{name}: {' '.join(map(str, messages))}"
                for name, messages in serializer.errors.items()
            ]
            raise forms.ValidationError({"try_ticket": problems})
        return serializer.validated_data


@dataclass(frozen=True)
class TryResult:
    prepared: Prepared
    rules: list[RuleSnapshot]
    edited: str
    edited_runs: bool
    reference: str

    @property
    def fired(self) -> list[str]:
        """The rules that did something, in order: the deciding one and those with effects."""
        decision = self.prepared.decision
        names = [decision.rule.name] if decision.rule else []
        names += [effect["rule"] for effect in decision.effects]
        return list(dict.fromkeys(names))


def rule_set_with(spec: dict, rule_pk: int | None) -> list[RuleSnapshot]:
    """The active rules of ``spec``'s event in order, the edited rule as the form has it."""
    stored = RoutingRule.objects.filter(event=spec["event"], active=True)
    if rule_pk is not None:
        stored = stored.exclude(pk=rule_pk)
    rows = [
        (order, name, RuleSnapshot(pk, name, tuple(conditions), tuple(actions), stop))
        for pk, name, order, conditions, actions, stop in stored.values_list(
            "pk", "name", "order", "conditions", "actions", "stop"
        )
    ]
    if spec["active"]:
        edited = RuleSnapshot(
            rule_pk, spec["name"], tuple(spec["conditions"]), tuple(spec["actions"]), spec["stop"]
        )
        rows.append((spec["order"], spec["name"], edited))
    return [snapshot for _, _, snapshot in sorted(rows, key=lambda row: row[:2])]


def try_rule(*, spec: dict, rule_pk: int | None, ticket_data: dict) -> TryResult:
    rules = rule_set_with(spec, rule_pk)
    if "ticket" in ticket_data:
        ticket = ticket_data["ticket"]
        _, prepared = decide.prepare_decision(ticket_id=ticket.pk, event=spec["event"], rules=rules)
        reference = ticket.reference
    else:
        payload = ticket_data["payload"]
        prepared, _ = decide.dry_run(data=payload, event=spec["event"], rules=rules)
        reference = str(payload["ticket_id"])
    return TryResult(prepared, rules, spec["name"], spec["active"], reference)
