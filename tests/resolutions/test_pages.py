"""The pages: the ticket's resolutions section and its form, the approvals queue, the
calibration queue with reviews, and the report with its chart data."""

import json
import re

import pytest
from django.urls import reverse

from resolutions.actions.calibration import generate_queue
from resolutions.models import ApprovalRequest, CalibrationItem, Resolution
from tests.resolutions.conftest import resolve
from tests.resolutions.test_calibration import WEEK, in_week, owned_ticket

pytestmark = pytest.mark.django_db

FORM = {
    "what_went_wrong": "delivery_problem",
    "what_went_wrong_text": "Two weeks late",
    "why_eligible": "sla_breached",
    "type": "credit",
    "amount": "120.00",
    "currency": "EUR",
}


def test_the_ticket_page_has_the_section_and_the_form(client, owned, agent, config):
    resolve(owned, agent, "12.00")
    client.force_login(agent)
    page = client.get(reverse("desk:detail", args=[owned.pk])).content.decode()
    assert 'id="resolutions"' in page and "12.00 EUR" in page
    assert 'id="resolution-form"' in page
    assert "decides alone up to 50.00 EUR" in page


def test_a_colleague_sees_the_section_without_the_form(client, owned, agent, team, config):
    from tests import factories

    colleague = factories.AgentFactory(teams=[team])
    client.force_login(colleague)
    page = client.get(reverse("desk:detail", args=[owned.pk])).content.decode()
    assert 'id="resolutions"' in page and 'id="resolution-form"' not in page


def test_the_form_records_and_goes_back_to_the_ticket(client, owned, agent, config):
    client.force_login(agent)
    answer = client.post(reverse("resolutions:create", args=[owned.pk]), FORM)
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"/tickets/{owned.pk}/#resolutions")
    resolution = Resolution.objects.get()
    assert (resolution.tier, resolution.status) == ("team_lead", "pending_approval")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"amount": "12,50"}, "decimal amount"),
        ({"amount": "-3"}, "cannot be negative"),
        ({"currency": "QQQ"}, "ISO 4217"),
        ({"type": "<script>alert(1)</script>"}, "Choose one of"),
    ],
)
def test_bad_input_shows_the_form_again_with_the_message(
    client, owned, agent, config, change, message
):
    client.force_login(agent)
    answer = client.post(reverse("resolutions:create", args=[owned.pk]), {**FORM, **change})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert message in page and "<script>alert(1)</script>" not in page
    assert not Resolution.objects.exists()


def test_the_lead_approves_from_the_queue_page(client, owned, agent, config, lead):
    resolve(owned, agent, "120")
    client.force_login(lead)
    page = client.get(reverse("resolutions:approvals")).content.decode()
    approval = ApprovalRequest.objects.get()
    assert f'data-approval="{approval.pk}"' in page
    refused = client.post(
        reverse("resolutions:decide", args=[approval.pk, "reject"]), {"reason": ""}
    )
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    done = client.post(
        reverse("resolutions:decide", args=[approval.pk, "approve"]), {"reason": "ok"}
    )
    assert done.status_code == 302
    assert Resolution.objects.get().status == "approved"


def test_the_agent_cannot_approve_from_the_page(client, owned, agent, config):
    resolve(owned, agent, "120")
    client.force_login(agent)
    approval = ApprovalRequest.objects.get()
    answer = client.post(reverse("resolutions:decide", args=[approval.pk, "approve"]), {})
    assert answer.status_code == 403
    assert ApprovalRequest.objects.get().status == "pending"


def test_calibration_review_from_the_page(client, team, agent, config, manager):
    in_week(resolve(owned_ticket(team, agent), agent, "10"))
    generate_queue(actor=manager, week=WEEK, sample_size=1)
    item = CalibrationItem.objects.get()
    client.force_login(manager)
    page = client.get(reverse("resolutions:calibration"), {"period": str(WEEK)}).content.decode()
    assert f'data-item="{item.pk}"' in page
    url = reverse("resolutions:calibration-review", args=[item.pk])
    bad = client.post(url, {"outcome": "revised", "revised_amount": "x"})
    assert bad.status_code == 400 and "decimal amount" in bad.content.decode()
    assert (
        client.post(url, {"outcome": "revised", "revised_amount": "7.50", "notes": "n"}).status_code
        == 302
    )
    item.refresh_from_db()
    assert (item.outcome, str(item.revised_amount)) == ("revised", "7.500")


def test_the_report_page_carries_its_chart_data(client, team, agent, config, manager):
    in_week(resolve(owned_ticket(team, agent), agent, "10"))
    client.force_login(manager)
    page = client.get(reverse("resolutions:report"), {"period": str(WEEK)}).content.decode()
    data = json.loads(
        re.search(r'id="calibration-charts" type="application/json">(.*?)</script>', page).group(1)
    )
    assert data["trend"][-1]["totals"] == [{"currency": "EUR", "amount": "10.00", "count": 1}]
    assert "<script>" not in page.replace("<script src=", "")  # no inline script
    assert "chart.umd.min.js" in page and "resolutions/report.js" in page
    bad = client.get(reverse("resolutions:report"), {"period": "nope"})
    assert bad.status_code == 200 and "ISO week" in bad.content.decode()


def test_who_sees_which_page(client, agent, requester, manager):
    client.force_login(agent)
    assert client.get(reverse("resolutions:approvals")).status_code == 200
    assert client.get(reverse("resolutions:calibration")).status_code == 403
    assert client.get(reverse("resolutions:report")).status_code == 403
    client.force_login(requester)
    assert client.get(reverse("resolutions:approvals")).status_code == 403
    client.force_login(manager)
    page = client.get(reverse("resolutions:calibration")).content.decode()
    assert ">Approvals</a>" in page and ">Calibration</a>" in page


def test_lists_cost_the_same_queries_for_any_row_count(
    client, team, agent, config, manager, django_assert_max_num_queries
):
    def grow(count):
        for _ in range(count):
            in_week(resolve(owned_ticket(team, agent), agent, "10"))
            resolve(owned_ticket(team, agent), agent, "100")
        generate_queue(actor=manager, week=WEEK, sample_size=100)

    client.force_login(manager)
    pages = [
        reverse("resolutions:approvals"),
        f"{reverse('resolutions:calibration')}?period={WEEK}",
        f"{reverse('resolutions:report')}?period={WEEK}",
    ]
    grow(2)
    counts = []
    for url in pages:
        with django_assert_max_num_queries(30) as few:
            assert client.get(url).status_code == 200
        counts.append(len(few.captured_queries))
    CalibrationItem.objects.all().delete()
    grow(7)
    for url, count in zip(pages, counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200
