"""Learned triage: training on resolved tickets stores a model version with its held-out
accuracy and macro F1; the active model fills category (at routing) and priority (at
creation) when confident; otherwise, or with no model, the keyword map and the ITIL matrix
decide."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.exceptions import DomainValidationError
from routing import learned_triage, triage_eval
from routing.actions.route import route_ticket
from routing.decide import guess_category
from routing.models import TriageKeyword, TriageModel, TriageSettings
from routing.tasks import train_triage_model
from tests import factories
from tickets.actions import creation
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def resolved_history(n: int, *, seed: int = 7) -> list[Ticket]:
    """n resolved tickets from the generated set (title, description, category, priority)."""
    requester = factories.ContactFactory()
    owner = factories.AgentFactory()
    now = timezone.now()
    rows = [
        Ticket(
            reference=f"INC-2026-7{i:05d}",
            title=sample.title,
            description=sample.description,
            category=sample.category,
            priority=sample.priority,
            requester=requester,
            owner=owner,
            status="resolved",
            resolution="Fixed.",
            resolved_at=now,
        )
        for i, sample in enumerate(triage_eval.generate(n, seed=seed, label_noise=0.0))
    ]
    return Ticket.objects.bulk_create(rows)


@pytest.fixture
def history(db):
    return resolved_history(390)


@pytest.fixture(autouse=True)
def _forget_loaded_model():
    learned_triage._loaded.model_id = None
    yield
    learned_triage._loaded.model_id = None


def test_training_stores_a_version_with_its_evaluation(history):
    out = StringIO()
    call_command("train_triage", stdout=out)
    model = TriageModel.objects.get()
    assert model.samples == 390 and model.held_out == 78
    assert 0.6 < model.category_accuracy <= 1 and 0.6 < model.category_macro_f1 <= 1
    assert model.priority_accuracy is not None and 0 <= model.priority_macro_f1 <= 1
    assert set(model.categories) == set(triage_eval.CATEGORIES)
    assert "vpn" in model.report
    assert bytes(model.pipeline)[:2]  # the fitted pipelines, joblib bytes
    assert TriageSettings.objects.get().active_model == model  # the first one is activated
    assert f"Triage model #{model.pk}: 390 tickets, 78 held out" in out.getvalue()
    assert "Active: yes" in out.getvalue()


def test_too_little_data_is_refused(db):
    resolved_history(10)
    with pytest.raises(CommandError, match="at least 20"):
        call_command("train_triage", stdout=StringIO())
    assert train_triage_model.delay().get() is None
    assert not TriageModel.objects.exists()


def test_the_weekly_task_keeps_a_better_active_model(history):
    best = learned_triage.train_model()
    TriageModel.objects.filter(pk=best.pk).update(category_macro_f1=1.0)
    new_id = train_triage_model.delay().get()
    assert TriageModel.objects.get(pk=new_id).category_macro_f1 < 1.0
    assert TriageSettings.objects.get().active_model_id == best.pk
    call_command("train_triage", "--activate", stdout=StringIO())
    assert TriageSettings.objects.get().active_model_id == TriageModel.objects.first().pk


def test_confident_model_beats_the_keyword_map(history):
    learned_triage.train_model(activate=True)
    # "printer" is in the keyword map as hardware; the model learned print queues
    title, description = "Print queue jobs stuck in queue", "printer toner low"
    assert guess_category(title=title, description=description) == "printer"
    guess = learned_triage.triage_category(title, description, {"printer": "hardware"})
    assert guess.source.startswith("model #") and guess.confidence >= 0.5


def test_low_confidence_and_no_model_fall_back_to_keywords(history):
    keywords = {"toner": "hardware"}
    title, description = "Print queue jobs stuck", "toner"
    # no model yet
    assert learned_triage.triage_category(title, description, keywords).source == "keywords"
    model = learned_triage.train_model(activate=True)
    assert learned_triage.triage_category(title, description, keywords).value == "printer"
    # a threshold no prediction reaches: the keyword map decides again
    learned_triage.save_settings(active_model_id=model.pk, confidence_threshold=1.0)
    guess = learned_triage.triage_category(title, description, keywords)
    assert (guess.value, guess.source) == ("hardware", "keywords")
    # nothing matches either way
    assert learned_triage.triage_category("zzz", "", {}).value == ""


def test_routing_fills_the_category_from_the_model(history, team):
    TriageKeyword.objects.update_or_create(keyword="printer", defaults={"category": "hardware"})
    learned_triage.train_model(activate=True)
    ticket = factories.TicketFactory(
        team=None, category="", title="Print queue jobs stuck in queue", description="printer"
    )
    route_ticket(ticket_id=ticket.pk)
    ticket.refresh_from_db()
    assert ticket.category == "printer"


def test_priority_from_the_model_only_when_nothing_was_given(history):
    learned_triage.train_model(activate=True)
    learned_triage.save_settings(
        active_model_id=TriageModel.objects.get().pk, confidence_threshold=0.0
    )
    data = creation.NewTicket(
        title="Production outage", description="whole office down, all users affected, ceo",
        requester_email="someone@example.com",
    )  # fmt: skip
    created = creation.create_ticket(actor=None, data=data)
    created.refresh_from_db()  # routing's learned triage set it, right after the commit
    assert created.priority == "critical"
    with_levels = creation.create_ticket(
        actor=None,
        data=creation.NewTicket(
            title=data.title, description=data.description, requester_email=data.requester_email,
            urgency="3", impact="3",
        ),
    )  # fmt: skip
    with_levels.refresh_from_db()
    assert with_levels.priority == "low"  # the ITIL matrix, as given


def test_without_a_model_priority_follows_the_matrix(db):
    data = creation.NewTicket(
        title="Production outage", description="all users", requester_email="a@example.com"
    )
    assert creation.create_ticket(actor=None, data=data).priority == "low"


def test_every_process_loads_the_active_model_from_the_database(history):
    model = learned_triage.train_model(activate=True)
    first = learned_triage.predict("VPN client disconnects", "")
    learned_triage._loaded.model_id = None  # as a fresh process
    learned_triage.forget_active()
    again = learned_triage.predict("VPN client disconnects", "")
    assert first == again and first.model_id == model.pk and first.category == "vpn"


def test_settings_are_validated(history):
    with pytest.raises(DomainValidationError):
        learned_triage.save_settings(active_model_id=None, confidence_threshold=1.5)
    with pytest.raises(DomainValidationError):
        learned_triage.save_settings(active_model_id=12345, confidence_threshold=0.5)


def test_eval_triage_prints_both_methods(db):
    out = StringIO()
    call_command("eval_triage", "--tickets", "520", stdout=out)
    text = out.getvalue()
    learned_line = next(line for line in text.splitlines() if line.startswith("learned"))
    keyword_line = next(line for line in text.splitlines() if line.startswith("keyword map"))
    learned_accuracy = float(learned_line.split()[-2])
    keyword_accuracy = float(keyword_line.split()[-2])
    assert learned_accuracy > keyword_accuracy
    assert "520 generated tickets over 13 categories" in text


def test_admin_lists_models_and_activates_one(admin_client, history):
    first = learned_triage.train_model(activate=True)
    second = learned_triage.train_model(activate=False)
    page = admin_client.get("/admin/routing/triagemodel/")
    assert page.status_code == 200
    assert f"{second.category_macro_f1}" in page.content.decode()
    response = admin_client.post(
        "/admin/routing/triagemodel/",
        {"action": "activate", "_selected_action": [second.pk]},
    )
    assert response.status_code == 302
    assert TriageSettings.objects.get().active_model_id == second.pk
    settings_row = TriageSettings.objects.get()
    response = admin_client.post(
        f"/admin/routing/triagesettings/{settings_row.pk}/change/",
        {
            "active_model": first.pk,
            "confidence_threshold": "0.8",
            "auto_activate": "on",
            "semantic_threshold": "0.4",
        },
    )
    assert response.status_code == 302
    settings_row.refresh_from_db()
    assert (settings_row.active_model_id, settings_row.confidence_threshold) == (first.pk, 0.8)
    assert learned_triage.active_config() == (first.pk, 0.8)
