"""Writing a batch's in-app notifications: thousands of rows (a wave of routed tickets tells
each team member of each ticket) that share a few messages (a message per ticket and event:
the same event type, ticket, title, body and payload for everyone it goes to).

``new_notification`` builds a row without Django's keyword path, which costs ten times as
much for thousands of rows (each related object checked and cached in turn). ``insert`` writes
them: on PostgreSQL each message once and each row as (id, user, message, created_at), joined in
one ``INSERT ... SELECT`` over arrays, so the messages' texts and JSON are sent once, not once
per recipient; Django's ``bulk_create`` sends every column of every row (and spends as much
time again preparing them). Elsewhere (SQLite), ``bulk_create``."""

import json
import uuid
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from notifications.models import Notification

_COLUMNS = tuple(field.attname for field in Notification._meta.concrete_fields)
_USER = Notification._meta.get_field("user")
_TICKET = Notification._meta.get_field("ticket")


def new_notification(
    *, user, event_type: str, ticket, title: str, body: str, payload: dict, created_at: datetime
) -> Notification:
    """An unsaved row, as ``Notification(user=..., ...)`` builds it (a fresh id, unread); its
    user and ticket are the objects given (cached, as keywords would have them)."""
    values = {
        "id": uuid.uuid4(),
        "user_id": user.pk,
        "event_type": event_type,
        "ticket_id": ticket.pk if ticket is not None else None,
        "title": title,
        "body": body,
        "payload": payload,
        "read_at": None,
        "created_at": created_at,
    }
    # Positional, in the model's column order (a column added to the model fails loudly here).
    note = Notification(*(values[name] for name in _COLUMNS))
    _USER.set_cached_value(note, user)
    _TICKET.set_cached_value(note, ticket)
    return note


def insert(notes: list[Notification]) -> None:
    """Write the rows (``created_at`` as set on each). Rows share a message when they share
    the payload object, event type, ticket, title and body."""
    if not notes:
        return
    if connection.vendor != "postgresql" or len(notes) == 1:
        Notification.objects.bulk_create(notes)
        return
    messages: dict[tuple, int] = {}
    payloads: list[dict] = []
    for note in notes:
        if messages.setdefault(_message_key(note), len(messages) + 1) > len(payloads):
            payloads.append(note.payload)
    keys = list(messages)
    columns = [
        [note.pk for note in notes],
        [note.user_id for note in notes],
        [messages[_message_key(note)] for note in notes],
        [note.created_at for note in notes],
        *([key[n] for key in keys] for n in range(1, len(_SHARED))),
        [json.dumps(payload, cls=DjangoJSONEncoder) for payload in payloads],
    ]
    with connection.cursor() as cursor:
        cursor.execute(_sql(), columns)
    for note in notes:  # saved, as bulk_create leaves them
        note._state.adding, note._state.db = False, connection.alias


_OWN = ("id", "user", "created_at")  # each row's own columns; the rest come from its message
_SHARED = ("event_type", "ticket", "title", "body", "payload")


def _message_key(note: Notification) -> tuple:
    """The payload object's identity, then the other shared columns in ``_SHARED`` order."""
    return (id(note.payload), note.event_type, note.ticket_id, note.title, note.body)


def _sql() -> str:
    """The statement, from the model's table, columns and types. Identifiers come from model
    metadata (quoted); every value is a parameter."""
    qn = connection.ops.quote_name
    meta = Notification._meta

    def typed(names) -> str:
        fields = [meta.get_field(name) for name in names]
        # varchar(300)[] would truncate; the column's own type checks the length.
        return ", ".join(f"%s::{field.db_type(connection).split('(')[0]}[]" for field in fields)

    own = [meta.get_field(name).column for name in _OWN]
    shared = [meta.get_field(name).column for name in _SHARED]
    filled = {"read_at": "NULL"}
    columns = [field.column for field in meta.concrete_fields]
    select = [
        f"n.{qn(column)}"
        if column in own
        else f"m.{qn(column)}"
        if column in shared
        else filled[column]
        for column in columns
    ]
    return (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"SELECT {', '.join(select)} "
        f"FROM unnest({typed(_OWN[:2])}, %s::integer[], {typed(_OWN[2:])}) "
        f"AS n({qn(own[0])}, {qn(own[1])}, message, {qn(own[2])}) "
        f"JOIN unnest({typed(_SHARED)}) WITH ORDINALITY "
        f"AS m({', '.join(qn(c) for c in shared)}, message) USING (message)"
    )
