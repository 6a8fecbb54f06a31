"""The composer on the ticket page: posting with files and minutes, Markdown shown sanitised,
the preview, the @ autocomplete and canned responses filled in for the ticket."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from desk.actions import canned
from notifications.models import Notification
from tests import factories
from tickets.models import Attachment, TimelineEntry, TimeSpent

pytestmark = pytest.mark.django_db

HOSTILE = (
    "Hi <script>alert(1)</script> [click](javascript:alert(2)) "
    '<img src=x onerror="alert(3)"> ![x](javascript:alert(4)) **bold**'
)


def page(client, ticket) -> str:
    return client.get(reverse("desk:detail", args=[ticket.pk])).content.decode()


def post(client, ticket, **data):
    return client.post(reverse("desk:post-entry", args=[ticket.pk]), data)


def assert_safe(html: str) -> None:
    """No script element, no javascript: URL in an attribute, no event handler on a tag (the
    hostile text may stay, escaped, as words)."""
    assert "<script" not in html and "&lt;script&gt;" in html
    assert not re.search(r"(href|src)=[\"']?\s*javascript:", html)
    assert not re.search(r"<[a-z][^>]*\son\w+\s*=", html)


def test_a_note_with_a_file_and_minutes(client, agent, owned, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(agent)
    file = SimpleUploadedFile("trace.log", b"dropped packets", content_type="text/plain")
    response = post(
        client, owned, visibility="internal", content="Looked at **MTU**", minutes="15", files=file
    )
    assert response.status_code == 302 and response.url.endswith("#timeline")
    assert Attachment.objects.get().visibility == "internal"
    assert TimeSpent.objects.get().minutes == 15
    html = page(client, owned)
    assert "<strong>MTU</strong>" in html and "15 min spent" in html
    assert "15 min logged on this ticket" in html


def test_hostile_markdown_is_sanitised_for_agents_and_requesters(client, agent, requester, owned):
    client.force_login(agent)
    assert post(client, owned, visibility="public", content=HOSTILE).status_code == 302
    agent_page = page(client, owned)
    client.force_login(requester)
    portal_page = page(client, owned)
    for html in (agent_page, portal_page):
        timeline = html.split('id="timeline"')[1].split('id="composer"')[0]
        assert "<strong>bold</strong>" in timeline
        assert_safe(timeline)
    assert "min logged" not in portal_page and "Canned response" not in portal_page


def test_requesters_see_no_internal_minutes_or_notes(client, agent, requester, owned):
    client.force_login(agent)
    post(client, owned, visibility="internal", content="SECRET note", minutes="30")
    client.force_login(requester)
    html = page(client, owned)
    assert "SECRET note" not in html and "30 min" not in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"minutes": "-3"}, "minutes", "cannot be negative"),
        ({"minutes": "100000"}, "minutes", "At most 1440"),
        ({"content": ""}, "content", "Write something"),
    ],
)
def test_bad_input_is_refused_inline_with_the_draft_kept(client, agent, owned, data, field, message):  # noqa: E501  # fmt: skip
    client.force_login(agent)
    before = TimelineEntry.objects.count()
    response = post(client, owned, **({"visibility": "internal", "content": "my draft"} | data))
    html = response.content.decode()
    assert response.status_code == 400 and f'id="error-{field}"' in html and message in html
    assert TimelineEntry.objects.count() == before and not TimeSpent.objects.exists()
    if data.get("content", "x"):
        assert "my draft</textarea>" in html and 'value="internal" checked' in html


def test_a_forbidden_file_is_refused_with_its_name(client, agent, owned, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(agent)
    file = SimpleUploadedFile("invoice.exe", b"MZ", content_type="application/octet-stream")
    response = post(client, owned, visibility="public", content="see file", files=file)
    html = response.content.decode()
    assert response.status_code == 400 and "invoice.exe is a type we do not accept" in html
    assert not Attachment.objects.exists() and not list(tmp_path.rglob("*"))


def test_preview_is_staff_only_and_sanitised(client, agent, requester):
    client.force_login(agent)
    response = client.post(reverse("desk:preview"), {"content": HOSTILE})
    html = response.content.decode()
    assert response.status_code == 200 and "<strong>bold</strong>" in html
    assert_safe(html)
    assert (
        "Nothing to preview"
        in client.post(reverse("desk:preview"), {"content": " "}).content.decode()
    )
    client.force_login(requester)
    assert client.post(reverse("desk:preview"), {"content": "x"}).status_code == 403


def test_mention_autocomplete(client, agent, team, requester, django_assert_max_num_queries):
    # The signed-in agent's Faker name could start with "Lee" (or "K") too: give it one that cannot.
    agent.first_name, agent.last_name = "Ada", "Moss"
    agent.save(update_fields=["first_name", "last_name"])
    kim = factories.AgentFactory(username="kim", first_name="Kim", last_name="Lee", teams=[team])
    for n in range(12):
        factories.AgentFactory(username=f"kx{n}", first_name="Sam", last_name="Doe", teams=[team])
    factories.UserFactory(username="kplain")  # no staff role: never offered
    client.force_login(agent)
    with django_assert_max_num_queries(4):  # session, user, role, the candidates
        found = client.get(reverse("desk:mentions"), {"q": "@k"}).json()["results"]
    assert len(found) == 8 and {"username": "kim", "name": "Kim Lee"} in found
    assert "kplain" not in {row["username"] for row in found}
    by_name = client.get(reverse("desk:mentions"), {"q": "lee"}).json()["results"]
    assert [row["username"] for row in by_name] == [kim.username]
    client.force_login(requester)
    assert client.get(reverse("desk:mentions"), {"q": "k"}).status_code == 403


def test_a_mentioned_agent_is_notified_once(client, agent, team, owned):
    kim = factories.AgentFactory(username="kim", teams=[team])
    client.force_login(agent)
    post(client, owned, visibility="internal", content="@kim look, @kim! and @ghost")
    assert Notification.objects.filter(user=kim, event_type="mention").count() == 1
    assert Notification.objects.filter(event_type="mention").count() == 1


def test_canned_response_is_filled_for_the_ticket(client, agent, owned, requester):
    owned.requester.name = "Ada Lovelace"
    owned.requester.save()
    mine = canned.create_response(
        actor=agent,
        title="Greeting",
        body="Hi {{ requester.first_name }}, {{ ticket.reference }} is with {{agent.first_name}}.",
    )
    client.force_login(agent)
    url = reverse("desk:canned-fill", args=[owned.pk, mine.pk])
    text = client.get(url).json()["text"]
    assert text == f"Hi Ada, {owned.reference} is with {agent.first_name}."
    assert "Greeting" in page(client, owned)
    other = factories.AgentFactory()
    client.force_login(other)
    assert client.get(url).status_code == 404  # neither the ticket nor the response is theirs
    client.force_login(requester)
    assert client.get(url).status_code == 403


def test_ticket_page_queries_do_not_grow_with_entries(client, agent, owned):
    client.force_login(agent)
    for n in range(3):
        post(client, owned, visibility="internal", content=f"note {n}", minutes="5")
    canned.create_response(actor=agent, title="One", body="x")
    few = counted(lambda: page(client, owned))
    for n in range(10):
        post(client, owned, visibility="internal", content=f"more {n}", minutes="5")
        canned.create_response(actor=agent, title=f"More {n}", body="x")
    html = []
    many = counted(lambda: html.append(page(client, owned)))
    assert many == few and "65 min logged on this ticket" in html[0]


def counted(call) -> int:
    """How many statements ``call`` runs (the test client resets Django's own query log)."""
    statements = []
    with connection.execute_wrapper(
        lambda run, sql, *args: statements.append(sql) or run(sql, *args)
    ):
        call()
    return len(statements)


def test_files_larger_than_an_ordinary_body_are_accepted(client, agent, owned, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client.force_login(agent)
    file = SimpleUploadedFile("dump.bin", b"x" * 5000, content_type="application/octet-stream")
    assert post(client, owned, visibility="public", content="dump", files=file).status_code == 302
    assert Attachment.objects.get().size == 5000
