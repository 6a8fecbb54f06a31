"""FilterSets of the ticket's parts."""

import django_filters

from tickets.lifecycle import TaskStatus
from tickets.models import Task


class TaskFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices)

    class Meta:
        model = Task
        fields = ["status"]
