"""Quoted table and column names from the models' metadata, for the plain-SQL reads
(routing.team_reads, routing.ticket_reads): a renamed field breaks loudly there."""

from django.db import connection


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)
