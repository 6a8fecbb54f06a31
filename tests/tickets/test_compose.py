"""The composer's action: Markdown entries with files, minutes and mentions, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.exceptions import DomainValidationError
from core.models import AuditLog
from notifications.models import Notification, NotificationPreference
from tests import factories
from tickets.actions.compose import clean_minutes, compose_entry
from tickets.mentions import mentioned_usernames
from tickets.models import Attachment, TimelineEntry, TimeSpent


def upload(name="log.txt", body=b"hello", content_type="text/plain"):
    return SimpleUploadedFile(name, body, content_type=content_type)


def counts():
    return (
        TimelineEntry.objects.count(),
        Attachment.objects.count(),
        TimeSpent.objects.count(),
        Notification.objects.count(),
    )


def test_a_note_with_a_file_minutes_and_a_mention(ticket, agent, team, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    kim = factories.AgentFactory(username="kim", teams=[team])
    done = compose_entry(
        ticket_id=ticket.pk,
        actor=agent,
        visibility="internal",
        content="**Checked** the VPN logs, @kim please look.",
        minutes="15",
        uploads=[upload()],
    )
    assert done.entry.markdown and done.entry.visibility == "internal"
    assert [a.visibility for a in done.attachments] == ["internal"]
    spent = TimeSpent.objects.get()
    assert (spent.minutes, spent.agent, spent.team, spent.entry) == (15, agent, team, done.entry)
    assert AuditLog.objects.filter(action="ticket.time_spent", data__minutes=15).count() == 1
    assert done.mentioned == [kim.pk]
    note = Notification.objects.get(user=kim)
    assert note.event_type == "mention" and "mentioned you" in note.title


def test_a_mention_twice_notifies_once_and_non_agents_nobody(ticket, agent, team, requester):
    kim = factories.AgentFactory(username="kim", teams=[team])
    factories.UserFactory(username="plain")  # a user without a staff role
    compose_entry(
        ticket_id=ticket.pk,
        actor=agent,
        visibility="public",
        content=f"@kim and again @kim. Also @plain, @{requester.username}, @nobody, "
        f"mail kim@example.com and @{agent.username} (myself).",
    )
    assert list(Notification.objects.values_list("user", flat=True)) == [kim.pk]


def test_a_mention_follows_the_agents_preferences(ticket, agent, team):
    kim = factories.AgentFactory(username="kim", teams=[team])
    NotificationPreference.objects.create(user=kim, event_type="mention", email=False, in_app=False)
    compose_entry(ticket_id=ticket.pk, actor=agent, visibility="internal", content="@kim")
    assert not Notification.objects.filter(user=kim).exists()


def test_a_requester_mentions_nobody_and_logs_no_time(ticket, requester, team):
    factories.AgentFactory(username="kim", teams=[team])
    compose_entry(ticket_id=ticket.pk, actor=requester, visibility="public", content="hi @kim")
    assert not Notification.objects.filter(event_type="mention").exists()
    with pytest.raises(DomainValidationError) as refused:
        compose_entry(
            ticket_id=ticket.pk, actor=requester, visibility="public", content="x", minutes=5
        )
    assert "minutes" in refused.value.errors


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("-5", "cannot be negative"),
        ("1441", "At most 1440"),
        ("99999999999", "At most 1440"),
        ("1.5", "whole number"),
        ("ten", "whole number"),
    ],
)
def test_bad_minutes_write_nothing(ticket, agent, minutes, message, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    before = counts()
    with pytest.raises(DomainValidationError) as refused:
        compose_entry(
            ticket_id=ticket.pk,
            actor=agent,
            visibility="internal",
            content="work",
            minutes=minutes,
            uploads=[upload()],
        )
    assert message in refused.value.errors["minutes"][0]
    assert counts() == before and not list(tmp_path.rglob("*"))


@pytest.mark.parametrize(
    ("name", "body", "content_type", "message"),
    [
        ("big.bin", b"x" * 11, "application/octet-stream", "too large"),
        ("setup.exe", b"MZ", "application/octet-stream", "type we do not accept"),
        ("run.ps1", b"x", "text/plain", "type we do not accept"),
        ("innocent.txt", b"x", "application/x-msdownload", "type we do not accept"),
        ("empty.txt", b"", "text/plain", "is empty"),
    ],
)
def test_refused_files_write_nothing(ticket, agent, settings, tmp_path, name, body, content_type, message):  # noqa: E501  # fmt: skip
    settings.MEDIA_ROOT = str(tmp_path)
    settings.ATTACHMENT_MAX_BYTES = 10
    before = counts()
    with pytest.raises(DomainValidationError) as refused:
        compose_entry(
            ticket_id=ticket.pk,
            actor=agent,
            visibility="public",
            content="see files",
            minutes=10,
            uploads=[upload(), upload(name, body, content_type)],
        )
    assert message in refused.value.errors["file"][0] and name in refused.value.errors["file"][0]
    assert counts() == before and not list(tmp_path.rglob("*"))


def test_empty_entries_and_time_without_words_are_refused(ticket, agent):
    with pytest.raises(DomainValidationError, match="Write something"):
        compose_entry(ticket_id=ticket.pk, actor=agent, visibility="public", content="  ")
    with pytest.raises(DomainValidationError, match="what the time was spent on"):
        compose_entry(
            ticket_id=ticket.pk, actor=agent, visibility="public", content="", minutes=5,
            uploads=[upload()],
        )  # fmt: skip


def test_files_alone_are_attached_without_an_entry(ticket, agent, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    done = compose_entry(
        ticket_id=ticket.pk, actor=agent, visibility="public", content="", uploads=[upload()]
    )
    assert done.entry is None and len(done.attachments) == 1


def test_minutes_are_cleaned():
    assert clean_minutes("") is None and clean_minutes(None) is None and clean_minutes("0") is None
    assert clean_minutes(" 15 ") == 15 and clean_minutes(1440) == 1440


def test_mentions_are_parsed_once_without_punctuation():
    text = "@kim, @lee. (@kim) mail x@example.com @a.b-c @"
    assert mentioned_usernames(text) == ["kim", "lee", "a.b-c"]
