"""The requester portal: the new-ticket form with category, urgency and files; replies with
files; what a refused file leaves behind (nothing); requesters never see internal entries or
files."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from routing.models import TriageKeyword
from tests import factories
from tickets.actions import attachments
from tickets.models import Attachment, Contact, Ticket, TimelineEntry

pytestmark = pytest.mark.django_db

NEW = "/tickets/new/"
# A minimal Windows program: a DOS stub pointing at a PE signature (tickets.uploads).
PE = b"MZ" + b"\0" * 58 + (64).to_bytes(4, "little") + b"PE\0\0" + b"\0" * 20


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ATTACHMENT_MAX_BYTES = 2000
    return Path(settings.MEDIA_ROOT)


def stored(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def text_file(name="screen.txt", size=100, content_type="text/plain"):
    return SimpleUploadedFile(name, b"x" * size, content_type=content_type)


def file_ticket(client, **extra):
    data = {"title": "Printer jams on floor 2", "description": "Every morning.", "type": "incident"}
    return client.post(NEW, data | extra)


def test_the_form_labels_every_field_and_offers_categories_and_urgency(client, requester):
    factories.TicketFactory(category="printing")
    TriageKeyword.objects.create(keyword="zz-portal-test", category="access")
    client.force_login(requester)
    page = client.get(NEW).content.decode()
    for name in ("title", "description", "type", "category", "urgency", "files"):
        assert f'<label for="id_{name}"' in page, name
    assert 'id="id_email"' not in page  # a requester files for themselves
    assert '<option value="printing">Printing</option>' in page
    assert '<option value="access">Access</option>' in page
    assert '<option value="1">High: I cannot work</option>' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'hx-get="/kb/suggest/"' in page and "delay:500ms" in page


def test_a_requester_files_with_category_urgency_and_a_file(client, requester, media):
    client.force_login(requester)
    response = file_ticket(
        client, category="network", urgency="1", files=[text_file(), text_file("log.txt")]
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == f"/tickets/{ticket.pk}/"
    assert (ticket.category, ticket.urgency, ticket.source) == ("network", "1", "portal")
    assert ticket.requester == requester.contact
    files = list(ticket.attachments.order_by("filename"))
    assert [(f.filename, f.visibility, f.size) for f in files] == [
        ("log.txt", "public", 100),
        ("screen.txt", "public", 100),
    ]
    assert len(stored(media)) == 2
    page = client.get(response.url).content.decode()
    assert f"/api/v1/attachments/{files[0].pk}/download/" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (text_file(size=2001), "limited to 2000 bytes"),
        (text_file("setup.exe", content_type="application/octet-stream"), "programs and scripts"),
        (text_file("run.sh", content_type="text/plain"), "programs and scripts"),
        (SimpleUploadedFile("notes.txt", PE, content_type="text/plain"), "is a program"),
    ],
    ids=["oversize", "exe", "script", "renamed-program"],
)
def test_a_refused_file_leaves_nothing_written(client, requester, media, upload, message):
    client.force_login(requester)
    response = file_ticket(client, files=[text_file("fine.txt"), upload])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="id_files_error"' in response.content.decode()
    assert Ticket.objects.count() == 0 and Attachment.objects.count() == 0
    assert stored(media) == []


def test_a_text_that_merely_starts_with_mz_is_accepted(client, requester):
    client.force_login(requester)
    upload = SimpleUploadedFile("mz.txt", b"MZ company report", content_type="text/plain")
    assert file_ticket(client, files=[upload]).status_code == 302


def test_bad_fields_are_answered_field_by_field(client, requester):
    client.force_login(requester)
    response = file_ticket(client, title="", urgency="9", category="nonsense")
    body = response.content.decode()
    assert response.status_code == 400
    for name in ("title", "urgency", "category"):
        assert f'id="id_{name}_error"' in body, name
    assert Ticket.objects.count() == 0


def test_staff_still_file_for_a_requester_by_email(client, agent, team):
    client.force_login(agent)
    response = file_ticket(client, email="someone@example.com")
    assert response.status_code == 302
    assert Ticket.objects.get().requester.email == "someone@example.com"


def test_staff_cannot_file_for_a_colleagues_address(client, agent, other_agent):
    """A staff address is no requester's (API.md): the e-mail field says so, nothing written."""
    client.force_login(agent)
    response = file_ticket(client, email=other_agent.email.upper())
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in body
    assert "This address belongs to an existing login." in body
    assert not Ticket.objects.exists()
    assert not Contact.objects.filter(email__iexact=other_agent.email).exists()


def reply(client, ticket, **data):
    return client.post(reverse("desk:portal-reply", args=[ticket.pk]), data)


def test_a_requester_replies_with_files(client, requester, ticket, media):
    client.force_login(requester)
    response = reply(client, ticket, content="Here is the log", files=[text_file("log.txt")])
    assert response.status_code == 302
    assert ticket.timeline.filter(content="Here is the log", visibility="public").exists()
    assert ticket.attachments.get().visibility == "public"
    files_only = reply(client, ticket, content="", files=[text_file("more.txt")])
    assert files_only.status_code == 302 and ticket.attachments.count() == 2


def test_a_refused_reply_keeps_the_draft_and_writes_nothing(client, requester, ticket, media):
    client.force_login(requester)
    before = ticket.timeline.count()
    response = reply(client, ticket, content="My draft", files=[text_file("x.exe")])
    assert response.status_code == 400
    assert "programs and scripts" in response.content.decode()
    assert "My draft</textarea>" in response.content.decode()
    assert ticket.timeline.count() == before and ticket.attachments.count() == 0
    assert stored(media) == []
    empty = reply(client, ticket, content="  ")
    assert empty.status_code == 400 and "Write a reply or attach a file" in empty.content.decode()


def test_strangers_cannot_reply_on_a_ticket(client, ticket):
    client.force_login(factories.RequesterFactory())
    assert reply(client, ticket, content="hi").status_code == 404


def test_requesters_see_no_internal_entries_or_files(client, agent, requester, ticket, media):
    public = attachments.add_attachment(
        ticket_id=ticket.pk, actor=agent, upload=text_file("public.txt"), visibility="public"
    )
    internal = attachments.add_attachment(
        ticket_id=ticket.pk, actor=agent, upload=text_file("secret.txt"), visibility="internal"
    )
    factories.TimelineEntryFactory(
        ticket=ticket, visibility=TimelineEntry.Visibility.INTERNAL, content="INTERNAL-ONLY"
    )
    client.force_login(requester)
    page = client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()
    assert "public.txt" in page and str(public.pk) in page
    assert "secret.txt" not in page and str(internal.pk) not in page
    assert "INTERNAL-ONLY" not in page
    assert client.get(f"/api/v1/attachments/{internal.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/attachments/{public.pk}/download/").status_code == 200
    assert 'id="composer"' in page and 'name="visibility"' not in page
