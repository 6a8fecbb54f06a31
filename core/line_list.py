"""A list of short texts edited one per line in a form (a team's example tickets...)."""

from django import forms
from django.core.exceptions import ValidationError


class LineListField(forms.CharField):
    """Blank lines are dropped, each line trimmed; at most ``max_lines`` of ``max_length``."""

    def __init__(self, *, max_lines: int = 50, line_length: int = 300, **kwargs) -> None:
        self.max_lines, self.line_length = max_lines, line_length
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            value = "\n".join(value)
        lines = [line.strip() for line in (value or "").splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > self.max_lines:
            raise ValidationError(f"At most {self.max_lines} lines (have {len(lines)}).")
        long = [index + 1 for index, line in enumerate(lines) if len(line) > self.line_length]
        if long:
            raise ValidationError(
                f"Line(s) {', '.join(map(str, long))} are longer than {self.line_length} "
                "characters."
            )
        return lines
