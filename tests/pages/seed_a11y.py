"""Appended to seed_browser.py and seed_responsive.py for the accessibility walk: a public and
an internal file on the requester's ticket, and a notification for alice."""

from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.actions.notify import notify
from tickets.actions import attachments

for name, visibility in (("screenshot.txt", "public"), ("internal-trace.txt", "internal")):
    attachments.add_attachment(
        ticket_id=old.pk,  # noqa: F821
        actor=alice,  # noqa: F821
        upload=SimpleUploadedFile(name, b"trace", content_type="text/plain"),
        visibility=visibility,
    )
notify(recipients=[alice], event_type="assigned", ticket=old, payload={})  # noqa: F821
