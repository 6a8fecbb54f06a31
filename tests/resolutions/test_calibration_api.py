"""The calibration endpoints: the queue and its reviews, generating on demand, the report's
numbers as JSON and CSV, and who may call them."""

import csv
import io
from datetime import timedelta

import pytest

from resolutions.actions.approvals import approve
from resolutions.actions.calibration import generate_queue
from resolutions.models import CalibrationItem
from resolutions.periods import Week
from tests import factories
from tests.resolutions.conftest import resolve
from tests.resolutions.test_calibration import WEEK, in_week, owned_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def week_of_work(team, other_team, agent, other_agent, config, manager, admin_user):
    """In WEEK: the agent gives 10 + 20 EUR (tier 1) and 500 EUR (tier 3, approved); the other
    team's agent 30 EUR (no configuration: tier 3, approved). A week before, 5 EUR."""
    ten = in_week(resolve(owned_ticket(team, agent), agent, "10", type="credit"))
    twenty = in_week(resolve(owned_ticket(team, agent), agent, "20"))
    big = resolve(owned_ticket(team, agent), agent, "500", what_went_wrong="service_outage")
    approve(actor=manager, approval_id=big.approval.pk)
    in_week(big)
    theirs = resolve(owned_ticket(other_team, other_agent), other_agent, "30")
    approve(actor=manager, approval_id=theirs.approval.pk)
    in_week(theirs)
    in_week(resolve(owned_ticket(team, agent), agent, "5"), WEEK.shifted(-1))
    generate_queue(actor=admin_user, week=WEEK, sample_size=2)
    return {"ten": ten, "twenty": twenty, "big": big, "theirs": theirs}


def review(api, item, outcome, **extra):
    return api.post(
        f"/api/v1/calibration/{item.pk}/review/", {"outcome": outcome, **extra}, format="json"
    )


def test_the_queue_lists_items_with_reason_and_review(api, week_of_work, manager):
    answer = api.as_(manager).get(f"/api/v1/calibration/?period={WEEK}")
    assert answer.status_code == 200
    rows = answer.json()["results"]
    assert {row["reason"] for row in rows} == {"tier3", "random_sample"}
    assert len(rows) == 4
    assert all(row["review_status"] == "pending" and row["outcome"] is None for row in rows)
    tier3 = api.get(f"/api/v1/calibration/?period={WEEK}&reason=tier3").json()["results"]
    assert {row["resolution"]["amount"] for row in tier3} == {"500.00", "30.00"}


def test_report_numbers(api, week_of_work, manager):
    items = list(CalibrationItem.objects.order_by("reason", "id"))
    api.as_(manager)
    assert review(api, items[0], "upheld").status_code == 200
    assert review(api, items[1], "upheld").status_code == 200
    assert (
        review(api, items[2], "revised", revised_amount="400.00", notes="Too much").status_code
        == 200
    )
    report = api.get(f"/api/v1/calibration/report/?period={WEEK}").json()
    assert (report["items"], report["reviewed"], report["upheld_pct"]) == (4, 3, 66.7)
    assert report["outcomes"] == {"upheld": 2, "revised": 1, "coaching_needed": 0}
    money = report["compensation"]
    assert money["total"] == [{"currency": "EUR", "amount": "560.00", "count": 4}]
    by_team = {row["label"]: row["amount"] for row in money["by_team"]}
    ours, theirs = week_of_work["ten"].team.name, week_of_work["theirs"].team.name
    assert by_team == {ours: "530.00", theirs: "30.00"}
    assert {row["key"]: row["amount"] for row in money["by_type"]} == {
        "credit": "10.00",
        "refund": "550.00",
    }
    assert {row["key"]: row["amount"] for row in money["by_reason"]} == {
        "product_defect": "60.00",
        "service_outage": "500.00",
    }
    assert len(money["by_agent"]) == 2
    trend = report["trend"]
    assert [week["period"] for week in trend][-2:] == [str(WEEK.shifted(-1)), str(WEEK)]
    assert len(trend) == 12
    assert trend[-2]["totals"] == [{"currency": "EUR", "amount": "5.00", "count": 1}]
    assert trend[-1]["upheld_pct"] == 66.7 and trend[-3]["upheld_pct"] is None


def test_report_csv(api, week_of_work, manager):
    answer = api.as_(manager).get(f"/api/v1/calibration/report/?period={WEEK}&format=csv")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    total = next(r for r in rows if r["section"] == "total")
    assert (total["currency"], total["amount"], total["count"]) == ("EUR", "560.00", "4")
    assert sum(1 for r in rows if r["section"] == "trend" and r["key"] == "upheld_pct") == 12


def test_a_formula_in_a_name_is_written_as_text(api, team, config, manager, admin_user):
    sly = factories.AgentFactory(teams=[team], first_name="=HYPERLINK(1)", last_name="")
    in_week(resolve(owned_ticket(team, sly), sly, "1"))
    text = api.as_(manager).get(f"/api/v1/calibration/report/?period={WEEK}&format=csv")
    assert "'=HYPERLINK(1)" in text.content.decode()


@pytest.mark.parametrize(
    "period", ["2026-53", "2026-W54", "x" * 200, "2026-W00", "'; drop", "9999-W52", "0001-W01"]
)
def test_a_bad_period_is_a_400_in_json(api, manager, period):
    api.as_(manager)
    for url in (
        "/api/v1/calibration/report/?period=",
        "/api/v1/calibration/report/?format=csv&period=",
        "/api/v1/calibration/?period=",
    ):
        answer = api.get(f"{url}{period}")
        assert answer.status_code == 400
        assert answer["Content-Type"] == "application/json"
        assert answer.json()["errors"]["period"]


def test_generate_on_demand_is_idempotent(api, team, agent, config, manager):
    in_week(resolve(owned_ticket(team, agent), agent, "1"))
    first = api.as_(manager).post(
        "/api/v1/calibration/generate/", {"period": str(WEEK)}, format="json"
    )
    assert first.json() == {"period": str(WEEK), "created": 1, "total": 1}
    again = api.post("/api/v1/calibration/generate/", {"period": str(WEEK)}, format="json")
    assert again.json()["created"] == 0
    bad = api.post("/api/v1/calibration/generate/", {"sample_size": -1}, format="json")
    assert bad.status_code == 400 and "sample_size" in bad.json()["errors"]


def test_review_input(api, week_of_work, manager):
    item = CalibrationItem.objects.filter(reason="tier3").first()
    api.as_(manager)
    for body, field in (
        ({"outcome": "revised"}, "revised_amount"),
        ({"outcome": "nice"}, "outcome"),
        ({"outcome": "revised", "revised_amount": "abc"}, "revised_amount"),
        ({"outcome": "upheld", "extra": 1}, "extra"),
    ):
        answer = api.post(f"/api/v1/calibration/{item.pk}/review/", body, format="json")
        assert answer.status_code == 400 and field in answer.json()["errors"]
    assert review(api, item, "coaching_needed", notes="Talk").json()["outcome"] == "coaching_needed"
    assert review(api, item, "upheld").status_code == 409
    assert api.post("/api/v1/calibration/not-a-uuid/review/", {}, format="json").status_code == 404


def test_only_managers_and_admins(api, week_of_work, agent, lead, requester, admin_user):
    item = CalibrationItem.objects.first()
    for who in (agent, lead, requester):
        api.as_(who)
        assert api.get("/api/v1/calibration/").status_code == 403
        assert api.get("/api/v1/calibration/report/").status_code == 403
        assert review(api, item, "upheld").status_code == 403
    assert api.as_(None).get("/api/v1/calibration/").status_code == 401
    assert api.as_(admin_user).get("/api/v1/calibration/report/").status_code == 200


def test_queue_and_report_cost_the_same_queries_for_any_size(
    api, team, agent, config, manager, django_assert_max_num_queries
):
    def grow(count):
        for _ in range(count):
            in_week(resolve(owned_ticket(team, agent), agent, "1"), hours=2 + count)
        generate_queue(actor=manager, week=WEEK, sample_size=100)

    grow(2)
    api.as_(manager)
    with django_assert_max_num_queries(20) as few:
        api.get(f"/api/v1/calibration/?period={WEEK}")
        api.get(f"/api/v1/calibration/report/?period={WEEK}")
    CalibrationItem.objects.all().delete()
    grow(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get(f"/api/v1/calibration/?period={WEEK}").json()["results"]) == 10
        api.get(f"/api/v1/calibration/report/?period={WEEK}")


def test_the_first_and_last_weeks_a_period_may_name_are_answered(api, manager):
    for period in ("1970-W01", "9998-W52"):
        assert (
            api.as_(manager).get(f"/api/v1/calibration/report/?period={period}").status_code == 200
        )


def test_week_arithmetic():
    assert str(Week.parse("2026-W01").shifted(-1)) == "2025-W52"
    assert Week.parse("2026-W49").monday.isoformat() == "2026-11-30"
    assert Week.parse("2026-W53") == Week(2026, 53)
    assert Week.of(Week(2026, 10).end - timedelta(microseconds=1)) == Week(2026, 10)
