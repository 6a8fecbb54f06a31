"""ISO weeks, the calibration's period: ``2026-W49`` is Monday 30 November to Sunday 6
December 2026. Half-open UTC windows ``[start, end)``."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError

PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
# The weeks a period may name. Outside them nothing was calibrated, and the arithmetic on a
# period (its end, the weeks before it) would leave the dates Python can hold (9999-W52 ends
# in the year 10000).
FIRST_YEAR, LAST_YEAR = 1970, 9998


@dataclass(frozen=True, order=True)
class Week:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> "Week":
        match = PATTERN.match(text or "")
        if match is None:
            raise ValidationError("A period is an ISO week written YYYY-Www, e.g. 2026-W49.")
        year, week = int(match.group(1)), int(match.group(2))
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError as error:
            raise ValidationError(f"{text} is not a week: {year} has no week {week}.") from error
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError(
                f"{text} is outside the weeks a period may name, "
                f"{FIRST_YEAR}-W01 to {LAST_YEAR}-W52."
            )
        return cls(year, week)

    @classmethod
    def of(cls, moment: datetime | date) -> "Week":
        if isinstance(moment, datetime):
            moment = moment.astimezone(UTC).date()
        year, week, _ = moment.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.monday, datetime.min.time(), tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=7)

    def shifted(self, weeks: int) -> "Week":
        return Week.of(self.monday + timedelta(weeks=weeks))

    def last(self, count: int) -> list["Week"]:
        """This week and the ``count - 1`` before it, oldest first."""
        return [self.shifted(-back) for back in range(count - 1, -1, -1)]
