"""Handler plugins against real HTTP peers on 127.0.0.1 (pytest-httpserver): the decision is
made by routing.route_ticket, announced after commit, dispatched and delivered by the tasks."""

import base64
import json
import random
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from werkzeug import Response

from core.models import AuditLog
from integrations import netguard, signing
from integrations.actions import dispatch, outbound
from integrations.models import HandlerEndpoint, OutboundDelivery
from integrations.plugins import OutboundRequest
from integrations.tasks import retry_due_deliveries
from routing.actions.route import route_ticket
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def routed(team, eager_celery, django_capture_on_commit_callbacks):
    """route(ticket) -> decision, with every on-commit callback (dispatch, delivery) run."""

    def route(ticket):
        with django_capture_on_commit_callbacks(execute=True):
            return route_ticket(ticket_id=ticket.pk)

    return route


def unrouted_ticket(*, source: str, external_id: str, **extra):
    return factories.TicketFactory(
        team=None, category="network", source=source, external_id=external_id, **extra
    )


def endpoint(handler: str, url: str, **fields) -> HandlerEndpoint:
    return HandlerEndpoint.objects.create(
        name=f"{handler}-{url}", handler=handler, url=url, **fields
    )


def test_servicenow_handler_patches_the_incident(httpserver, routed, agent):
    sys_id = "9d385017c611228701d22104cc95c371"
    endpoint(
        "servicenow", httpserver.url_for("/"), auth_method="basic", username="svc", secret="pw"
    )
    expected_auth = "Basic " + base64.b64encode(b"svc:pw").decode()
    httpserver.expect_oneshot_request(
        f"/api/now/table/incident/{sys_id}",
        method="PATCH",
        headers={"Authorization": expected_auth},
        query_string="sysparm_input_display_value=true",
    ).respond_with_json({"result": {}})

    decision = routed(unrouted_ticket(source="servicenow", external_id=sys_id))

    httpserver.check_assertions()
    sent = json.loads(httpserver.log[0][0].data)
    assert sent["assignment_group"] == decision.team_name
    assert sent["assigned_to"] == decision.assigned_user_email
    assert "Routed by the service desk" in sent["work_notes"]
    delivery = OutboundDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)


def test_servicenow_handler_maps_group_to_sys_id_with_bearer_token(httpserver, routed, team):
    endpoint(
        "servicenow",
        httpserver.url_for("/"),
        auth_method="bearer",
        secret="tok",
        options={"groups": {team.name: "grp-sys-id"}},
    )
    httpserver.expect_oneshot_request(
        "/api/now/table/incident/abc",
        method="PATCH",
        headers={"Authorization": "Bearer tok"},
        query_string="sysparm_input_display_value=false",
    ).respond_with_json({})

    routed(unrouted_ticket(source="servicenow", external_id="abc"))

    httpserver.check_assertions()
    assert json.loads(httpserver.log[0][0].data)["assignment_group"] == "grp-sys-id"


def test_jira_handler_sets_assignee_and_comments(httpserver, routed, agent):
    endpoint(
        "jira",
        httpserver.url_for("/jira"),
        auth_method="basic",
        username="bot@example.com",
        secret="api-token",
        options={"users": {agent.email: "acc-123"}},
    )
    auth = {"Authorization": "Basic " + base64.b64encode(b"bot@example.com:api-token").decode()}
    httpserver.expect_ordered_request(
        "/jira/rest/api/2/issue/OPS-318/assignee", method="PUT", headers=auth
    ).respond_with_data("", status=204)
    httpserver.expect_ordered_request(
        "/jira/rest/api/2/issue/OPS-318/comment", method="POST", headers=auth
    ).respond_with_json({"id": "1"}, status=201)
    ticket = unrouted_ticket(
        source="jira", external_id="10231", external_metadata={"issue_key": "OPS-318"}
    )

    decision = routed(ticket)

    httpserver.check_assertions()
    assert decision.assigned_user_email == agent.email
    assert json.loads(httpserver.log[0][0].data) == {"accountId": "acc-123"}
    comment = json.loads(httpserver.log[1][0].data)["body"]
    assert decision.team_name in comment and decision.rationale in comment


def test_generic_handler_posts_the_signed_decision(httpserver, routed):
    endpoint("generic", httpserver.url_for("/hook"), signing_secret="out-secret")
    httpserver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")

    decision = routed(unrouted_ticket(source="web", external_id=""))

    httpserver.check_assertions()
    request = httpserver.log[0][0]
    body = request.get_data()
    assert json.loads(body)["decision_id"] == str(decision.pk)
    assert json.loads(body)["allocation"]["group_id"] == str(decision.team_id)
    assert request.headers["Idempotency-Key"] == str(decision.pk)
    assert (
        signing.check(
            secret="out-secret",
            header=request.headers["X-Signature"],
            timestamp=request.headers["X-Timestamp"],
            body=body,
            now=time.time(),
            tolerance=300,
        )
        is None
    )


def test_handlers_only_for_their_own_source_and_enabled_endpoints(httpserver, routed):
    endpoint("servicenow", httpserver.url_for("/snow"))
    endpoint("generic", httpserver.url_for("/off"), enabled=False)
    endpoint("generic", httpserver.url_for("/jira-only"), sources=["jira"])

    routed(unrouted_ticket(source="glpi", external_id="1"))

    assert not OutboundDelivery.objects.exists()
    assert httpserver.log == []


def test_without_enabled_endpoints_a_decision_costs_no_dispatch(httpserver, routed):
    """The enabled-endpoint check is memoised: no task and no endpoint query per decision."""
    # bulk_create: no pending change in this test's transaction, so the memo is used.
    HandlerEndpoint.objects.bulk_create(
        [HandlerEndpoint(name="off", handler="generic", url=httpserver.url_for("/"), enabled=False)]
    )
    routed(unrouted_ticket(source="web", external_id="warm-up"))  # fills the memo
    with CaptureQueriesContext(connection) as queries:
        routed(unrouted_ticket(source="web", external_id="measured"))
    assert not any("integrations_handlerendpoint" in q["sql"] for q in queries.captured_queries)
    assert not OutboundDelivery.objects.exists()


def test_dispatching_twice_creates_nothing_new(httpserver, routed, eager_celery):
    endpoint("generic", httpserver.url_for("/hook"))
    httpserver.expect_request("/hook").respond_with_data("ok")
    decision = routed(unrouted_ticket(source="web", external_id=""))

    again = dispatch.dispatch_decision(decision.pk)

    assert again == [str(OutboundDelivery.objects.get().pk)]
    assert len(httpserver.log) == 1


def test_peer_failing_twice_then_succeeding_is_retried_with_backoff(httpserver, routed):
    endpoint("generic", httpserver.url_for("/flaky"), max_attempts=5)
    answers = iter([503, 500, 200])
    httpserver.expect_request("/flaky", method="POST").respond_with_handler(
        lambda request: Response("x", status=next(answers))
    )
    start = timezone.now()
    routed(unrouted_ticket(source="web", external_id=""))
    delivery = OutboundDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 503)
    first_delay = (delivery.next_attempt_at - start).total_seconds()
    assert 15 <= first_delay <= 31  # base 30 s, equal jitter: 15..30

    assert retry_due_deliveries() == 0  # not due yet
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 2, 500)
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
        assert retry_due_deliveries() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert len(httpserver.log) == 3


def test_peer_always_failing_is_dead_lettered_then_retried_from_the_admin(
    httpserver, routed, admin_user, client, django_capture_on_commit_callbacks
):
    endpoint("generic", httpserver.url_for("/down"), max_attempts=3)
    httpserver.expect_request("/down").respond_with_data("boom", status=500)
    routed(unrouted_ticket(source="web", external_id=""))
    delivery = OutboundDelivery.objects.get()
    for _ in range(2):
        with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1), tick=False):
            retry_due_deliveries()
        delivery.refresh_from_db()

    assert (delivery.status, delivery.attempts) == ("dead", 3)
    assert "answered 500" in delivery.last_error
    assert AuditLog.objects.filter(action="integration.dead_letter").count() == 1
    client.force_login(admin_user)
    listing = client.get("/admin/integrations/deadletter/")
    assert listing.status_code == 200 and "answered 500" in listing.content.decode()

    httpserver.clear()
    httpserver.expect_request("/down").respond_with_data("ok")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/integrations/deadletter/",
            {"action": "retry_selected", "_selected_action": [str(delivery.pk)]},
        )

    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 1)
    assert AuditLog.objects.filter(action="integration.retry", actor=admin_user).exists()


def test_client_errors_are_dead_lettered_at_once(httpserver, routed):
    endpoint("generic", httpserver.url_for("/gone"), max_attempts=5)
    httpserver.expect_request("/gone").respond_with_data("no such hook", status=404)
    routed(unrouted_ticket(source="web", external_id=""))
    assert OutboundDelivery.objects.get().status == "dead"


def test_backoff_grows_exponentially_with_jitter_and_is_capped(settings):
    settings.INTEGRATIONS_RETRY_BASE_SECONDS = 10
    settings.INTEGRATIONS_RETRY_MAX_SECONDS = 100
    rng = random.Random(1)
    delays = [outbound.backoff_seconds(n, rng=rng) for n in range(1, 7)]
    for attempt, delay in enumerate(delays, start=1):
        ceiling = min(100, 10 * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling
    assert len({round(d, 6) for d in delays}) == len(delays)


# --- SSRF guard --------------------------------------------------------------------------------


def test_private_targets_are_refused_unless_allowed(settings, httpserver, routed):
    settings.INTEGRATIONS_ALLOW_PRIVATE_TARGETS = False
    endpoint("generic", httpserver.url_for("/hook"))
    routed(unrouted_ticket(source="web", external_id=""))

    delivery = OutboundDelivery.objects.get()
    assert delivery.status == "dead"
    assert "Refused target" in delivery.last_error
    assert httpserver.log == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x",
        "http://localhost/x",
        "http://10.1.2.3/x",
        "http://192.168.0.1/x",
        "http://[::1]/x",
        "http://[::ffff:127.0.0.1]/x",
        "http://169.254.169.254/latest/meta-data/",
        "ftp://example.com/x",
        "http:///nohost",
    ],
)
def test_check_url_refuses_internal_targets(url):
    with pytest.raises(netguard.TargetRefused):
        netguard.check_url(url, private_ok=False)


def test_link_local_is_refused_even_when_private_targets_are_allowed():
    with pytest.raises(netguard.TargetRefused):
        netguard.check_url("http://169.254.169.254/", private_ok=True)
    netguard.check_url("http://127.0.0.1:9/", private_ok=True)


def test_redirects_are_checked_hop_by_hop(httpserver):
    httpserver.expect_request("/start").respond_with_data(
        "", status=307, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
    )
    with pytest.raises(netguard.TargetRefused):
        netguard.send(
            OutboundRequest("POST", httpserver.url_for("/start"), {}, b"{}"),
            timeout=5,
            private_ok=True,
        )
    assert len(httpserver.log) == 1


def test_allowed_redirect_is_followed_and_credentials_dropped_across_hosts(httpserver):
    target = httpserver.url_for("/final").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/start").respond_with_data(
        "", status=308, headers={"Location": target}
    )
    httpserver.expect_request("/final", method="POST").respond_with_data("done")
    response = netguard.send(
        OutboundRequest(
            "POST",
            httpserver.url_for("/start").replace("127.0.0.1", "localhost"),
            {"Authorization": "Bearer t"},
            b"{}",
        ),
        timeout=5,
        private_ok=True,
    )
    assert response.text == "done"
    final = httpserver.log[1][0]
    assert final.method == "POST" and "Authorization" not in final.headers
