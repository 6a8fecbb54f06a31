"""python manage.py ingest_email < message.eml: take one e-mail from standard input (a mail
server pipe, e.g. a Postfix alias ``"|/path/manage.py ingest_email"``). Exit status 75
(EX_TEMPFAIL) asks the mail server to try again later when the database is unavailable."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core.exceptions import DomainError
from integrations.actions.inbound_email import ingest_message

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one RFC 5322 message from standard input and make or update a ticket."

    def handle(self, *args, **options) -> None:
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError("No message on standard input.")
        try:
            taken = ingest_message(raw=raw)
        except DatabaseError as error:
            self.stderr.write(f"Database unavailable: {error}")
            sys.exit(EX_TEMPFAIL)
        except DomainError as error:
            raise CommandError(str(error)) from error
        record = taken.record
        if taken.duplicate:
            self.stdout.write(f"Already taken: {record.message_id} ({record.outcome}).")
            return
        reference = record.ticket.reference if record.ticket else "-"
        self.stdout.write(f"{record.outcome}: {reference} {record.reason}".rstrip())
