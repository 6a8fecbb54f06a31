import pytest
from django.contrib import admin
from django.urls import reverse

from core.models import AuditLog
from tests import factories
from tickets.actions import flags, lifecycle, ownership, tasks
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def populated(team, agent, requester):
    """A few tickets in several states, with timeline, tasks, flags and audit rows."""
    tickets = factories.TicketFactory.create_batch(5, team=team, requester=requester.contact)
    for ticket in tickets[:3]:
        ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)
        tasks.create_task(ticket_id=ticket.pk, actor=agent, title="check", assigned_to=agent)
        flags.add_flag(ticket_id=ticket.pk, actor=agent, kind="vip")
    lifecycle.resolve_ticket(ticket_id=tickets[0].pk, actor=agent, resolution="done")
    return tickets


def test_every_registered_model_has_working_changelist_and_search(admin_client, populated):
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert admin_client.get(url, {"q": "x"}).status_code == 200, url


def test_every_model_of_our_apps_is_in_the_admin():
    from django.apps import apps

    ours = ("tickets", "routing", "integrations", "escalations", "sla", "kb", "notifications")
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in ours and model not in admin.site._registry
    ]
    assert missing == []


def test_ticket_change_page_renders_with_inlines(admin_client, populated):
    url = reverse("admin:tickets_ticket_change", args=[populated[0].pk])
    body = admin_client.get(url).content.decode()
    assert populated[0].reference in body
    assert "Timeline entries" in body and "Tasks" in body and "Case flags" in body


@pytest.mark.parametrize("rows", [3, 30])
def test_ticket_changelist_query_count_does_not_grow(
    admin_client, team, rows, django_assert_max_num_queries
):
    factories.TicketFactory.create_batch(rows, team=team)
    with django_assert_max_num_queries(12):
        assert admin_client.get(reverse("admin:tickets_ticket_changelist")).status_code == 200


def test_adding_a_ticket_in_the_admin_goes_through_create_ticket(admin_client, team):
    contact = factories.ContactFactory()
    response = admin_client.post(
        reverse("admin:tickets_ticket_add"),
        {
            "type": "request",
            "title": "New laptop",
            "description": "",
            "category": "hardware",
            "priority": "",
            "urgency": "2",
            "impact": "2",
            "requester": contact.pk,
            "team": team.pk,
            "source": "",
            "external_id": "",
            "external_metadata": "{}",
            **_empty_inlines(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    ticket = Ticket.objects.get(title="New laptop")
    assert ticket.reference.startswith("REQ-")
    assert ticket.priority == "medium"  # derived: urgency 2 x impact 2
    assert ticket.source == "admin"
    assert AuditLog.objects.filter(ticket_id=ticket.pk, action="ticket.created").exists()


def test_admin_note_inline_posts_through_the_service(admin_client, populated):
    ticket = populated[1]
    data = _change_form(ticket) | {
        "timeline-TOTAL_FORMS": "1",
        "timeline-0-type": "note",
        "timeline-0-visibility": "internal",
        "timeline-0-content": "Checked from the admin",
    }
    response = admin_client.post(reverse("admin:tickets_ticket_change", args=[ticket.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = ticket.timeline.get(content="Checked from the admin")
    assert entry.visibility == "internal"


def test_a_save_the_actions_refuse_is_said_and_nothing_of_it_kept(admin_client, populated):
    # a new task on the resolved ticket, with a note: the action refuses the task, the
    # admin's transaction drops the note too, and the page says why (it was a 500)
    ticket = populated[0]
    existing = list(ticket.tasks.all())
    data = _change_form(ticket) | {
        "timeline-TOTAL_FORMS": "1",
        "timeline-0-type": "note",
        "timeline-0-visibility": "internal",
        "timeline-0-content": "Added a task",
        "tasks-TOTAL_FORMS": str(len(existing) + 1),
        "tasks-INITIAL_FORMS": str(len(existing)),
    }
    for index, task in enumerate(existing):
        data |= {f"tasks-{index}-id": str(task.pk), f"tasks-{index}-ticket": str(ticket.pk)}
        data |= {f"tasks-{index}-title": task.title}
    data |= {f"tasks-{len(existing)}-title": "One more", f"tasks-{len(existing)}-ticket": ticket.pk}
    change = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    response = admin_client.post(change, data, follow=True)
    assert response.redirect_chain == [(change, 302)]
    said = [str(message) for message in response.context["messages"]]
    assert said == ["Nothing was saved: The ticket is resolved: it takes no new tasks."]
    assert list(ticket.tasks.all()) == existing
    assert not ticket.timeline.filter(content="Added a task").exists()


def test_close_action_calls_the_service_and_reports_refusals(admin_client, populated):
    resolved, in_progress = populated[0], populated[1]
    response = admin_client.post(
        reverse("admin:tickets_ticket_changelist"),
        {"action": "close_tickets", "_selected_action": [resolved.pk, in_progress.pk]},
        follow=True,
    )
    resolved.refresh_from_db()
    in_progress.refresh_from_db()
    assert (resolved.status, in_progress.status) == ("closed", "in_progress")
    body = response.content.decode()
    assert "1 ticket(s) closed" in body
    assert in_progress.reference in body  # the refusal is named


def test_transfer_action_asks_then_transfers(admin_client, populated, team, agent):
    successor = factories.AgentFactory(teams=[team])
    url = reverse("admin:tickets_ticket_changelist")
    ticket = populated[1]
    form = admin_client.post(url, {"action": "transfer_ownership", "_selected_action": [ticket.pk]})
    assert form.status_code == 200
    assert "agent_on_extended_leave" in form.content.decode()
    done = admin_client.post(
        url,
        {
            "action": "transfer_ownership",
            "_selected_action": [ticket.pk],
            "apply": "1",
            "to": successor.pk,
            "reason": "agent_on_extended_leave",
        },
        follow=True,
    )
    assert "1 ticket(s) transferred" in done.content.decode()
    ticket.refresh_from_db()
    assert ticket.owner == successor


def test_audit_log_cannot_be_changed_or_deleted(admin_client, populated):
    entry = AuditLog.objects.first()
    change_url = reverse("admin:core_auditlog_change", args=[entry.pk])
    delete_url = reverse("admin:core_auditlog_delete", args=[entry.pk])
    assert admin_client.post(change_url, {"action": "hacked"}).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.action != "hacked"


def test_task_actions_call_the_service(admin_client, populated):
    task = populated[0].tasks.first()
    admin_client.post(
        reverse("admin:tickets_task_changelist"),
        {"action": "mark_done", "_selected_action": [task.pk]},
    )
    task.refresh_from_db()
    assert task.status == "done" and task.completed_at is not None


def _empty_inlines() -> dict:
    data = {}
    for prefix in ("timeline", "tasks", "flags", "envelopes"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data


def _change_form(ticket: Ticket) -> dict:
    return {
        "type": ticket.type,
        "title": ticket.title,
        "description": ticket.description,
        "category": ticket.category,
        "priority": ticket.priority,
        "urgency": ticket.urgency,
        "impact": ticket.impact,
        "requester": ticket.requester_id,
        "team": ticket.team_id,
        "source": ticket.source,
        "external_id": ticket.external_id,
        "external_metadata": "{}",
        **_empty_inlines(),
    }
