"""Building the admin rule form's POST body (the rule fields and the two formsets) as the
page's JavaScript sends it."""

from django.urls import reverse

FORMSET_FIELDS = {
    "conditions": ("field", "op", "choices", "text", "number"),
    "actions": ("type", "to", "priority", "category", "flag", "message"),
}


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        data[f"{prefix}-{index}-ORDER"] = str(item.get("ORDER", index + 1))
        if item.get("DELETE"):
            data[f"{prefix}-{index}-DELETE"] = "on"
        for name in FORMSET_FIELDS[prefix]:
            if name in item:
                data[f"{prefix}-{index}-{name}"] = item[name]
    return data


def rule_form(
    *,
    name: str,
    conditions: list[dict],
    actions: list[dict],
    event: str = "ticket.created",
    order: int = 10,
    active: bool = True,
    stop: bool = False,
    initial: tuple[int, int] = (0, 0),
) -> dict:
    data = {"name": name, "event": event, "order": str(order)}
    if active:
        data["active"] = "on"
    if stop:
        data["stop"] = "on"
    data |= rows("conditions", conditions, initial[0])
    data |= rows("actions", actions, initial[1])
    return data


def add_url() -> str:
    return reverse("admin:routing_routingrule_add")


def change_url(rule) -> str:
    return reverse("admin:routing_routingrule_change", args=[rule.pk])
