"""The history of configuration (core.ConfigChange): its only writer, and its reads.

An app joins in one of two ways. Its actions call ``record_change`` with the object's snapshot
before and after, in their own transaction (routing's rules and weights do: every door, the
import commands included, is recorded). Or its admin class takes
``core.admin_mixins.ConfigHistoryAdminMixin`` first among its bases, which records what the
admin saves and deletes with ``snapshot`` (one line for teams, agents, SLA policies, calendars,
API keys). Either way the object's admin history page lists the changes.

A snapshot is JSON: ``states_after`` rebuilds every object of a type as it was right after a
given change, which is what a restore writes back (through the owning app's actions).
"""

import json
from collections.abc import Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from core.audit import as_user
from core.models import ConfigChange

MAX_REPR = 200


def label_of(model: type[models.Model] | models.Model) -> str:
    return model._meta.label_lower


def json_ready(value):
    """Dates, decimals, UUIDs and the like as JSON stores them (so before == after compares
    what is stored, not Python types)."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def snapshot(instance: models.Model, *, exclude: Iterable[str] = ()) -> dict:
    """Every concrete field (foreign keys by id) and many-to-many (sorted ids), JSON-ready.
    ``exclude`` names fields never copied into the history (secrets, hashes)."""
    skip = set(exclude)
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name not in skip and not field.primary_key:
            data[field.attname] = field.value_from_object(instance)
    for field in instance._meta.many_to_many:
        if field.name not in skip and instance.pk is not None:
            ids = getattr(instance, field.name).values_list("pk", flat=True)
            data[field.name] = sorted(str(pk) for pk in ids)
    return json_ready(data)


def record_change(
    *,
    actor,
    object_type: str,
    object_id,
    object_repr: str,
    before: dict | None,
    after: dict | None,
    note: str = "",
) -> ConfigChange | None:
    """One row, unless nothing changed (a save of the same values records nothing)."""
    before = None if before is None else json_ready(before)
    after = None if after is None else json_ready(after)
    if before == after:
        return None
    if before is None:
        kind = ConfigChange.Kind.CREATED
    elif after is None:
        kind = ConfigChange.Kind.DELETED
    else:
        kind = ConfigChange.Kind.CHANGED
    return ConfigChange.objects.create(
        actor=as_user(actor),
        object_type=object_type,
        object_id=str(object_id),
        object_repr=str(object_repr)[:MAX_REPR],
        kind=kind,
        before=before,
        after=after,
        note=note[:MAX_REPR],
    )


def changed_fields(change: ConfigChange) -> list[tuple[str, str, str]]:
    """(field, before, after) as compact JSON for every key whose value differs, in order."""
    before, after = change.before or {}, change.after or {}
    keys = [key for key in dict.fromkeys([*before, *after]) if before.get(key) != after.get(key)]
    return [(key, _shown(before, key), _shown(after, key)) for key in keys]


def _shown(snapshot: dict, key: str) -> str:
    if key not in snapshot:
        return ""
    return json.dumps(snapshot[key], ensure_ascii=False, cls=DjangoJSONEncoder)


# --- reads ---------------------------------------------------------------------------------


def history_of(object_type: str, object_id) -> models.QuerySet[ConfigChange]:
    """One object's changes, newest first."""
    return ConfigChange.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")


def changes_of(object_types: Iterable[str]) -> models.QuerySet[ConfigChange]:
    """Every change of these types, newest first: the versions a restore can go back to."""
    return ConfigChange.objects.filter(object_type__in=list(object_types)).select_related("actor")


def states_after(object_type: str, change_id: int) -> dict[str, dict | None]:
    """Each object of the type changed after ``change_id``, as it was right after that change
    (None: it did not exist then). Objects not changed since are as they were: not listed.

    The ``before`` of an object's first later change is its state at that moment, whatever
    came later, so one ordered pass over the later rows suffices."""
    states: dict[str, dict | None] = {}
    later = ConfigChange.objects.filter(object_type=object_type, id__gt=change_id).order_by("id")
    for object_id, before in later.values_list("object_id", "before"):
        states.setdefault(object_id, before)
    return states
