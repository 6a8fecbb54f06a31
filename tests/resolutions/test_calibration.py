"""The weekly calibration queue: what enters and why, the random sample stable per week,
generating twice adds nothing, and reviews."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from core.exceptions import DomainValidationError, InvalidTransition, NotPermitted
from notifications.models import SatisfactionRating
from resolutions.actions.approvals import approve
from resolutions.actions.calibration import Review, generate_queue, review_item
from resolutions.models import CalibrationItem
from resolutions.periods import Week
from resolutions.tasks import generate_calibration
from tests import factories
from tests.resolutions.conftest import resolve
from tickets.actions import ownership

pytestmark = pytest.mark.django_db

WEEK = Week(2026, 45)


def in_week(resolution, week: Week = WEEK, hours: int = 30):
    type(resolution).objects.filter(pk=resolution.pk).update(
        decided_at=week.start + timedelta(hours=hours)
    )
    return resolution


def owned_ticket(team, agent):
    ticket = factories.TicketFactory(team=team)
    return ownership.accept_ticket(ticket_id=ticket.pk, actor=agent)


def queue(week: Week = WEEK) -> dict:
    return {
        (item.reason, item.resolution_id or item.ticket_id)
        for item in CalibrationItem.objects.filter(period=str(week))
    }


@pytest.fixture
def many(team, agent, config):
    """Twelve tier-1 resolutions decided in WEEK, on twelve tickets."""
    return [in_week(resolve(owned_ticket(team, agent), agent, "10")) for _ in range(12)]


def test_the_sample_is_stable_per_week_and_sized(many, admin_user, settings):
    settings.CALIBRATION_SAMPLE_SIZE = 4
    generate_queue(actor=admin_user, week=WEEK)
    first = queue()
    assert len(first) == 4 and {reason for reason, _ in first} == {"random_sample"}
    CalibrationItem.objects.all().delete()
    generate_queue(actor=admin_user, week=WEEK)
    assert queue() == first
    other = Week(2026, 46)
    for resolution in many:
        in_week(resolution, other)
    generate_queue(actor=admin_user, week=other)
    assert {r for _, r in queue(other)} != {r for _, r in first}  # another week, another draw


def test_generating_twice_adds_nothing(many, admin_user):
    done = generate_queue(actor=admin_user, week=WEEK, sample_size=3)
    assert (done.created, done.total) == (3, 3)
    again = generate_queue(actor=admin_user, week=WEEK, sample_size=3)
    assert (again.created, again.total) == (0, 3)
    call_command("generate_calibration", period=str(WEEK), sample_size=3)
    assert CalibrationItem.objects.count() == 3


def test_every_tier3_flagged_and_complaint_case_enters(team, agent, config, manager, admin_user):
    big = resolve(owned_ticket(team, agent), agent, "500")
    approve(actor=manager, approval_id=big.approval.pk)
    in_week(big)
    damaged = owned_ticket(team, agent)
    factories.CaseFlagFactory(ticket=damaged, kind="physical_damage")
    on_damaged = in_week(resolve(damaged, agent, "5"))
    shared = owned_ticket(team, agent)
    flag = factories.CaseFlagFactory(ticket=shared, kind="social_media")
    type(flag).objects.filter(pk=flag.pk).update(created_at=WEEK.start + timedelta(days=2))
    rated = owned_ticket(team, agent)
    SatisfactionRating.objects.create(ticket=rated, rating=2)
    on_rated = in_week(resolve(rated, agent, "7"))
    complained = owned_ticket(team, agent)
    factories.CaseFlagFactory(ticket=complained, kind="complaint")
    on_complained = in_week(resolve(complained, agent, "8"))
    happy = owned_ticket(team, agent)
    SatisfactionRating.objects.create(ticket=happy, rating=5)
    on_happy = in_week(resolve(happy, agent, "9"))
    pending = in_week(resolve(owned_ticket(team, agent), agent, "150"))  # never approved
    generate_queue(actor=admin_user, week=WEEK, sample_size=0)
    assert queue() == {
        ("tier3", big.pk),
        ("flagged", on_damaged.pk),
        ("flagged", shared.pk),  # flagged this week, no resolution: the ticket itself
        ("complaint", on_rated.pk),
        ("complaint", on_complained.pk),
    }
    assert on_happy.pk not in {r for _, r in queue()} and pending.pk not in {r for _, r in queue()}


def test_the_weekly_task_takes_last_week(team, agent, config, admin_user):
    this_week = Week.of(factories.TicketFactory().created_at)
    resolution = in_week(resolve(owned_ticket(team, agent), agent, "1"), this_week.shifted(-1))
    assert generate_calibration() == 1
    assert CalibrationItem.objects.get().resolution_id == resolution.pk
    assert CalibrationItem.objects.get().period == str(this_week.shifted(-1))


@pytest.fixture
def item(many, admin_user):
    generate_queue(actor=admin_user, week=WEEK, sample_size=1)
    return CalibrationItem.objects.get()


def test_a_manager_reviews_once(item, manager):
    reviewed = review_item(
        actor=manager,
        item_id=item.pk,
        review=Review("revised", "Too generous", Decimal("8.00")),
    )
    assert (reviewed.review_status, reviewed.outcome, reviewed.revised_amount) == (
        "reviewed",
        "revised",
        Decimal("8.00"),
    )
    with pytest.raises(InvalidTransition):
        review_item(actor=manager, item_id=item.pk, review=Review("upheld"))


@pytest.mark.parametrize(
    ("review", "field"),
    [
        (Review("revised"), "revised_amount"),
        (Review("upheld", revised_amount=Decimal("1")), "revised_amount"),
        (Review("revised", revised_amount=Decimal("1.001")), "revised_amount"),
        (Review("great"), "outcome"),
        (Review("upheld", "x" * 3000), "notes"),
    ],
)
def test_a_bad_review_is_refused(item, manager, review, field):
    with pytest.raises(DomainValidationError) as error:
        review_item(actor=manager, item_id=item.pk, review=review)
    assert field in error.value.errors
    item.refresh_from_db()
    assert item.review_status == "pending"


def test_agents_do_not_review(item, agent, lead):
    for who in (agent, lead):
        with pytest.raises(NotPermitted):
            review_item(actor=who, item_id=item.pk, review=Review("upheld"))


def test_beat_runs_the_weekly_task(settings):
    from celery.schedules import crontab

    from itsm.celery import app

    (entry,) = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "resolutions.generate_calibration"
    ]
    assert entry["schedule"] == crontab(minute=0, hour=2, day_of_week="mon")
    app.loader.import_default_modules()
    assert "resolutions.generate_calibration" in app.tasks
