"""The policy and calendar forms' own fields: escalation actions as rows (when, action, who)
and working hours as a weekly grid (each day, several ranges). Each takes and gives what the
model stores: the escalation list of {at, notify} and {weekday: [(starts, ends), ...]}."""

from datetime import time

from django import forms
from django.core.exceptions import ValidationError

from sla.actions.calendars import weekly_hours_problems
from sla.models import ESCALATION_TARGETS, Weekday, validate_escalation_actions

MAX_ROWS = 50
THRESHOLDS = (("warning", "At the warning"), ("breach", "At the breach"))
TARGETS = (("owner", "Owner"), ("team", "The ticket's team"), ("managers", "Managers"))
GRID_SLOTS = 3


def _getlist(data, key: str) -> list[str]:
    return data.getlist(key) if hasattr(data, "getlist") else list(data.get(key) or [])


class EscalationRowsWidget(forms.Widget):
    template_name = "sla/widgets/escalation_rows.html"
    blank_rows = 1

    def id_for_label(self, id_) -> str:
        return ""  # many inputs, each with its own aria-label: the label points at none

    class Media:
        js = ("js/sla_admin.js",)
        css = {"all": ("css/sla_admin.css",)}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [row for row in (value or []) if isinstance(row, dict)]
        rows += [{"at": "", "notify": []}] * self.blank_rows
        context["widget"].update(
            rows=[{"index": i, **row} for i, row in enumerate(rows)],
            thresholds=THRESHOLDS,
            targets=TARGETS,
        )
        return context

    def value_from_datadict(self, data, files, name) -> list[dict]:
        try:
            total = min(int(data.get(f"{name}-TOTAL", 0)), MAX_ROWS)
        except ValueError:
            total = 0
        rows = []
        for index in range(total):
            prefix = f"{name}-{index}"
            if data.get(f"{prefix}-DELETE"):
                continue
            at = data.get(f"{prefix}-at", "")
            chosen = set(_getlist(data, f"{prefix}-notify"))
            if at or chosen:
                # Who in one order whatever the order ticked: the stored list reads the same.
                rows.append({"at": at, "notify": [t for t in ESCALATION_TARGETS if t in chosen]})
        return rows

    def value_omitted_from_data(self, data, files, name) -> bool:
        return f"{name}-TOTAL" not in data


class EscalationActionsField(forms.Field):
    widget = EscalationRowsWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[dict]:
        return list(value or [])

    def validate(self, value: list[dict]) -> None:
        super().validate(value)
        problems = []
        for number, row in enumerate(value, 1):
            if row.get("at") not in dict(THRESHOLDS):
                problems.append(f"Row {number}: choose when (at the warning or at the breach).")
            if not row.get("notify"):
                problems.append(f"Row {number}: choose who is notified.")
        if problems:
            raise ValidationError(problems)
        validate_escalation_actions(value)

    def has_changed(self, initial, data) -> bool:
        return list(initial or []) != self.to_python(data)


def _hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


class WeeklyHoursWidget(forms.Widget):
    template_name = "sla/widgets/weekly_hours.html"

    def id_for_label(self, id_) -> str:
        return ""  # many inputs, each with its own aria-label: the label points at none

    class Media:
        css = {"all": ("css/sla_admin.css",)}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        week = value or {}
        slots = max([GRID_SLOTS, *(len(windows) + 1 for windows in week.values())])
        days = []
        for day in Weekday:
            windows = list(week.get(day.value, []))
            windows += [(None, None)] * (slots - len(windows))
            ranges = [
                {"slot": slot, "starts": _text(starts), "ends": _text(ends)}
                for slot, (starts, ends) in enumerate(windows)
            ]
            days.append({"day": day.value, "label": day.label, "ranges": ranges})
        context["widget"].update(days=days, slots=range(1, slots + 1), slot_count=slots)
        return context

    def value_from_datadict(self, data, files, name) -> dict:
        try:
            slots = min(int(data.get(f"{name}-SLOTS", GRID_SLOTS)), 24)
        except ValueError:
            slots = GRID_SLOTS
        week = {}
        for day in Weekday:
            pairs = []
            for slot in range(slots):
                starts = (data.get(f"{name}-{day.value}-{slot}-starts") or "").strip()
                ends = (data.get(f"{name}-{day.value}-{slot}-ends") or "").strip()
                if starts or ends:
                    pairs.append((starts, ends))
            week[day.value] = pairs
        return week

    def value_omitted_from_data(self, data, files, name) -> bool:
        return f"{name}-SLOTS" not in data


def _text(value) -> str:
    return _hhmm(value) if isinstance(value, time) else (value or "")


class WeeklyHoursField(forms.Field):
    """{weekday: [(starts, ends), ...]} with times; a day without ranges is closed. The
    calendar's ``always_open`` is read by the form (``clean``), which checks the whole week."""

    widget = WeeklyHoursWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> dict[int, list[tuple[time, time]]]:
        week, problems = {}, []
        time_field = forms.TimeField()
        for day, pairs in (value or {}).items():
            windows = []
            for starts, ends in pairs:
                if isinstance(starts, time) and isinstance(ends, time):
                    windows.append((starts, ends))
                    continue
                label = f"{Weekday(day).label} {starts or '?'}-{ends or '?'}"
                if not starts or not ends:
                    problems.append(f"{label}: give both a start and an end.")
                    continue
                try:
                    windows.append((time_field.clean(starts), time_field.clean(ends)))
                except ValidationError:
                    problems.append(f"{label}: enter times as HH:MM.")
            week[day] = windows
        if problems:
            raise ValidationError(problems)
        return week

    def has_changed(self, initial, data) -> bool:
        try:
            return _canonical(initial) != _canonical(self.to_python(data))
        except ValidationError:
            return True


def _canonical(week) -> dict:
    return {day: sorted(windows) for day, windows in (week or {}).items() if windows}


def check_week(week: dict, *, always_open: bool) -> None:
    problems = weekly_hours_problems(week, always_open=always_open)
    if problems:
        raise ValidationError(problems)
