"""Filters every app's FilterSets share."""

import datetime

import django_filters


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """ISO 8601 with any offset, compared in UTC (PostgreSQL refuses offsets past 15:59)."""

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(datetime.UTC)
            except OverflowError:  # past year 9999 or before year 1 once in UTC
                edge = datetime.datetime.max if value.year > 5000 else datetime.datetime.min
                value = edge.replace(tzinfo=datetime.UTC)
        return super().filter(qs, value)
