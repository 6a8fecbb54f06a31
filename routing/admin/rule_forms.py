"""The rule form: trigger, conditions and actions as rows (formsets) instead of JSON.

Each row is read back into the rule grammar's own shapes and checked by routing.rules
(``parse_condition``, ``validate_action``), and the whole rule by the actions' own check
(``routing.actions.config.check_rule``: its shape, and that the teams, agents and values it
names exist): the form builds the YAML/API document, so a rule saved here is stored exactly as
the same rule imported from YAML, and refused for the same reasons."""

from django import forms
from django.forms import formset_factory
from django.forms.models import construct_instance

from core.exceptions import DomainValidationError
from routing.actions.config import check_rule
from routing.admin.rule_options import ENUM_FIELDS, FLAG_CHOICES, PRIORITY_CHOICES, RuleOptions
from routing.models import RoutingRule
from routing.rules import (
    ACTION_TYPES,
    FIELDS,
    NUMERIC_FIELDS,
    RuleError,
    condition_document,
    parse_condition,
    validate_action,
)
from tickets.models import CaseFlag

OPERATOR_LABELS = [
    ("equals", "is"),
    ("in", "is one of"),
    ("contains", "contains"),
    ("matches", "matches (regular expression)"),
    ("gte", "is at least"),
    ("lte", "is at most"),
]
FIELD_LABELS = {
    "age_hours": "age (hours)",
    "text": "title or description",
    "tier": "requester tier",
}
ACTION_LABELS = {
    "assign": "Assign to",
    "set_priority": "Set priority",
    "set_category": "Set category",
    "add_flag": "Add flag",
    "notify": "Notify",
}
CHOICE, TEXT, NUMBER = "choice", "text", "number"


def value_widget(field: str, op: str) -> str:
    """Which input holds a condition's value (static/js/rule_form.js shows the same one)."""
    if op in ("gte", "lte") or (field in NUMERIC_FIELDS and op == "equals"):
        return NUMBER
    if field in ENUM_FIELDS and op in ("equals", "in"):
        return CHOICE
    return TEXT


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _split(text: str, numeric: bool) -> list:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not numeric:
        return items
    try:
        return [_number(float(item)) for item in items]
    except ValueError:
        raise forms.ValidationError({"text": "Give numbers separated by commas."}) from None


class ConditionForm(forms.Form):
    field = forms.ChoiceField(choices=[(f, FIELD_LABELS.get(f, f)) for f in FIELDS])
    op = forms.ChoiceField(label="Operator", choices=OPERATOR_LABELS)
    choices = forms.MultipleChoiceField(required=False, label="Values")
    text = forms.CharField(required=False, max_length=500, label="Text")
    number = forms.FloatField(required=False, label="Number")

    def __init__(self, *args, options: RuleOptions, stored: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = options
        self.fields["choices"].choices = options.value_choices(stored)
        self.fields["choices"].widget.attrs["class"] = "rule-value rule-choices"
        self.fields["text"].widget.attrs["class"] = "rule-value rule-text"
        self.fields["number"].widget.attrs.update(
            {"class": "rule-value rule-number", "step": "any"}
        )

    @staticmethod
    def initial_for(item) -> dict:
        """A stored condition as the row shows it."""
        condition = parse_condition(item)
        initial = {"field": condition.field, "op": condition.op}
        kind, value = value_widget(condition.field, condition.op), condition.value
        if kind == CHOICE:
            initial["choices"] = [str(v) for v in (value if isinstance(value, list) else [value])]
        elif kind == NUMBER:
            initial["number"] = value
        else:
            initial["text"] = ", ".join(map(str, value)) if isinstance(value, list) else value
        return initial

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or data.get("DELETE"):
            return data
        field_name, op = data["field"], data["op"]
        value = self._value(field_name, op, data)
        try:
            condition = parse_condition({field_name: {op: value}})
        except RuleError as error:
            raise forms.ValidationError(error.message) from None
        self.document = condition_document(condition)
        return data

    def _value(self, field_name: str, op: str, data: dict):
        kind = value_widget(field_name, op)
        if kind == NUMBER:
            if data.get("number") is None:
                raise forms.ValidationError({"number": "Give a number."})
            return _number(data["number"])
        if kind == CHOICE:
            picked = data.get("choices") or []
            allowed = {value for value, _ in dict(self.fields["choices"].choices)[field_name]}
            wrong = [value for value in picked if value not in allowed]
            if wrong:
                raise forms.ValidationError({"choices": f"Not a {field_name}: {', '.join(wrong)}."})
            if op == "equals" and len(picked) != 1:
                raise forms.ValidationError({"choices": "Pick exactly one value."})
            if not picked:
                raise forms.ValidationError({"choices": "Pick at least one value."})
            return picked[0] if op == "equals" else picked
        text = (data.get("text") or "").strip()
        if op == "in":
            return _split(text, field_name in NUMERIC_FIELDS)
        if not text:
            raise forms.ValidationError({"text": "Give a value."})
        return text


class ActionForm(forms.Form):
    type = forms.ChoiceField(choices=[(t, ACTION_LABELS[t]) for t in ACTION_TYPES])
    to = forms.ChoiceField(required=False, label="Team, agent or person")
    priority = forms.ChoiceField(required=False, choices=[("", "---------"), *PRIORITY_CHOICES])
    category = forms.CharField(required=False, max_length=100)
    flag = forms.ChoiceField(required=False, choices=[("", "---------"), *FLAG_CHOICES])
    message = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, options: RuleOptions, stored: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = options.target_choices(stored)
        self.fields["category"].widget.attrs["list"] = "rule-categories"
        for name in ("to", "priority", "category", "flag", "message"):
            self.fields[name].widget.attrs["class"] = f"rule-action-{name}"

    @staticmethod
    def initial_for(action: dict) -> dict:
        initial = {"type": action["type"], "to": action.get("to", "")}
        initial["message"] = action.get("message", "")
        key = {"set_priority": "priority", "set_category": "category", "add_flag": "flag"}
        if action["type"] in key:
            initial[key[action["type"]]] = action.get("value", "")
        return initial

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or data.get("DELETE"):
            return data
        kind = data["type"]
        action: dict = {"type": kind}
        if kind in ("assign", "notify"):
            action["to"] = data.get("to") or None
        if kind == "set_priority":
            action["value"] = data.get("priority")
        elif kind == "set_category":
            action["value"] = (data.get("category") or "").strip()
        elif kind == "add_flag":
            action["value"] = data.get("flag")
        if kind == "notify" and data.get("message"):
            action["message"] = data["message"]
        try:
            self.document = validate_action(action, CaseFlag.Kind.values)
        except RuleError as error:
            raise forms.ValidationError(error.message) from None
        return data


class RowFormSet(forms.BaseFormSet):
    """Rows the page moves and removes (static/js/rule_form.js): position and removal travel
    in hidden inputs."""

    ordering_widget = forms.HiddenInput
    deletion_widget = forms.HiddenInput


def _rows(form_class):
    return formset_factory(form_class, formset=RowFormSet, extra=0, can_delete=True, can_order=True)


ConditionFormSet = _rows(ConditionForm)
ActionFormSet = _rows(ActionForm)


def error_list(error: DomainValidationError) -> list[str]:
    """The action's field messages as the form's own (each names its condition or action)."""
    return [message for messages in error.errors.values() for message in messages]


class RoutingRuleForm(forms.ModelForm):
    """The rule's own fields, with its conditions and actions as two formsets."""

    class Meta:
        model = RoutingRule
        fields = ("name", "event", "order", "active", "stop")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.options = RuleOptions.load()
        data = self.data if self.is_bound else None
        rule = self.instance
        conditions = [ConditionForm.initial_for(c) for c in rule.conditions or []]
        actions = [ActionForm.initial_for(a) for a in rule.actions or []]
        # Values the stored rule holds that the lists lack stay choosable: it round-trips.
        stored_values: dict[str, list[str]] = {}
        for row in conditions:
            stored_values.setdefault(row["field"], []).extend(row.get("choices", []))
        self.conditions = ConditionFormSet(
            data,
            prefix="conditions",
            initial=conditions,
            form_kwargs={"options": self.options, "stored": stored_values},
        )
        self.actions = ActionFormSet(
            data,
            prefix="actions",
            initial=actions,
            form_kwargs={"options": self.options, "stored": [a["to"] for a in actions if a["to"]]},
        )
        if not rule.pk and not self.is_bound:
            self.actions.extra = 1  # a new rule starts with one empty action row

    def clean(self) -> dict:
        data = super().clean()
        rows_valid = self.conditions.is_valid() & self.actions.is_valid()
        if self.errors or not rows_valid:
            raise forms.ValidationError("Correct the errors in the rows below.")
        actions = [form.document for form in self.actions.ordered_forms]
        self.document = {
            "name": data["name"],
            "order": data["order"],
            "active": data["active"],
            "stop": data["stop"],
            "trigger": {
                "event": data["event"],
                "conditions": [form.document for form in self.conditions.ordered_forms],
            },
            "actions": actions,
        }
        try:
            spec = check_rule(self.document)
        except DomainValidationError as error:
            raise forms.ValidationError(error_list(error)) from None
        self.instance.conditions, self.instance.actions = spec["conditions"], spec["actions"]
        self.spec = spec
        return data

    def _post_clean(self) -> None:
        if hasattr(self, "spec"):
            return super()._post_clean()
        # The rows made no rule (their errors are shown): the model's own check of conditions
        # and actions would only repeat them. The name's uniqueness is still checked.
        construct_instance(self, self.instance, self._meta.fields, self._meta.exclude)
        self.validate_unique()


class RuleListForm(forms.ModelForm):
    """A row of the change list's inline edits (order, active). The stored rule with the new
    values goes through the actions' check as any write does: a rule naming a team deleted
    since is refused with the reason on its row, not at save (where it would be a 500). Rows
    left as they were are not checked: nothing of them is saved, and the list's save then
    costs the same queries whatever the number of rows shown."""

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or not self.has_changed():
            return data
        edited = {name: data[name] for name in ("order", "active") if name in data}
        try:
            check_rule({**self.instance.document(), **edited})
        except DomainValidationError as error:
            raise forms.ValidationError(error_list(error)) from None
        return data
