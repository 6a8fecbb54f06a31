"""The work queue and the ticket list: who sees what, filters, sorting, paging, query counts."""

import pytest
from django.urls import reverse

from routing.actions.config import import_rules
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for url in ("/", "/tickets/", "/tickets/new/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_signing_in_lands_on_the_work_queue(client, agent):
    response = client.post(
        "/accounts/login/", {"username": agent.username, "password": "pass-1234"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert b"Work queue" in response.content


def test_the_queue_holds_open_tickets_of_my_teams_and_my_own_most_urgent_first(
    client, agent, team, other_team, make_tickets
):
    low = make_tickets(1, team=team, title="Low one")[0]
    factories.TicketFactory(team=team, title="Critical one", priority="critical")
    urgent = factories.TicketFactory(team=team, title="Urgent one")
    urgent.priority_score = 99
    urgent.save()
    low.priority_score = 1
    low.save()
    make_tickets(1, team=other_team, title="Not mine")
    client.force_login(agent)

    body = client.get("/").content.decode()

    assert "Urgent one" in body and "Low one" in body
    assert "Not mine" not in body
    assert body.index("Urgent one") < body.index("Low one")


def test_requesters_have_no_queue_but_their_own_list(client, requester, make_tickets):
    mine = make_tickets(2, requester=requester.contact)
    others = make_tickets(2)
    client.force_login(requester)

    assert client.get("/").headers["Location"] == reverse("desk:list")
    body = client.get("/tickets/").content.decode()

    assert all(t.reference in body for t in mine)
    assert not any(t.reference in body for t in others)
    # Agents' internals stay off the portal: no owner column or filter (ticket titles are
    # random words and may hold "owner").
    assert "<th>Owner</th>" not in body and "<label>Owner" not in body


@pytest.mark.parametrize("rows", [5, 50])
def test_queue_and_list_run_a_constant_number_of_queries(
    client, agent, team, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, team=team)
    client.force_login(agent)
    client.get("/")  # session and role warm-up are not what is measured

    with django_assert_max_num_queries(4):
        assert client.get("/").status_code == 200
    # session, user, groups, the agent's scope, the count (EXPLAIN, then COUNT on a small set:
    # core.paging), the page's ids, its rows, saved views, the teams to share them with
    with django_assert_max_num_queries(10):
        assert client.get("/tickets/?status=new&sort=-created").status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_a_search_runs_a_constant_number_of_queries(
    client, agent, team, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, team=team, title="Printer jam 000 on floor 3")
    client.force_login(agent)
    client.get("/")

    # The list's 10 (above), and on PostgreSQL the bounded count that decides whether to rank.
    with django_assert_max_num_queries(11):
        response = client.get("/tickets/", {"q": "printer 000"})
    assert response.status_code == 200
    assert response.content.decode().count("Printer jam") == min(rows, 25)


@pytest.mark.parametrize("rows", [5, 50])
def test_the_requester_list_runs_a_constant_number_of_queries(
    client, requester, make_tickets, django_assert_max_num_queries, rows
):
    make_tickets(rows, requester=requester.contact)
    client.force_login(requester)
    with django_assert_max_num_queries(8):  # 6 + the count's EXPLAIN + the page's ids
        assert client.get("/tickets/").status_code == 200


def test_the_list_uses_the_shared_filterset(client, manager, team, other_team, make_tickets):
    network = make_tickets(1, team=team, title="Router melted", priority="high")[0]
    apps = make_tickets(1, team=other_team, title="SAP slow", priority="low")[0]
    client.force_login(manager)

    by_team = client.get("/tickets/", {"team": "apps"}).content.decode()
    by_priority = client.get("/tickets/", {"priority": "high"}).content.decode()
    by_text = client.get("/tickets/", {"q": "melted"}).content.decode()

    assert apps.reference in by_team and network.reference not in by_team
    assert network.reference in by_priority and apps.reference not in by_priority
    assert network.reference in by_text and apps.reference not in by_text


def test_a_bad_filter_value_is_shown_not_crashed_on(client, manager, make_tickets):
    make_tickets(1)
    client.force_login(manager)
    response = client.get("/tickets/", {"created_after": "not a date"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content


def test_the_list_pages_and_sorts(client, manager, make_tickets):
    tickets = make_tickets(30)
    client.force_login(manager)

    first = client.get("/tickets/", {"sort": "reference"})
    second = client.get("/tickets/", {"sort": "reference", "page": 2})
    backwards = client.get("/tickets/", {"sort": "-reference"})

    ordered = sorted(t.reference for t in tickets)
    assert first.context["page"].paginator.count == 30
    assert [t.reference for t in first.context["page"].object_list] == ordered[:25]
    assert [t.reference for t in second.context["page"].object_list] == ordered[25:]
    assert backwards.context["page"].object_list[0].reference == ordered[-1]
    assert b'rel="next"' in first.content


def test_list_rows_escape_user_text(client, manager, make_tickets):
    make_tickets(1, title="<script>alert(1)</script>")
    client.force_login(manager)
    body = client.get("/tickets/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_a_role_less_user_is_refused(client, db):
    user = factories.UserFactory()
    client.force_login(user)
    assert client.get("/tickets/").status_code == 403


def test_a_requester_opens_a_ticket_for_themselves(client, requester, policy):
    client.force_login(requester)

    response = client.post(
        "/tickets/new/", {"title": "Laptop will not boot", "description": "Black screen"}
    )

    ticket = requester.contact.tickets.get()
    assert response["Location"] == reverse("desk:detail", args=[ticket.pk])
    assert ticket.title == "Laptop will not boot"
    assert ticket.source == "portal"


def test_an_empty_title_is_refused_inline(client, requester):
    client.force_login(requester)
    response = client.post("/tickets/new/", {"title": "  ", "description": "x"})
    assert response.status_code == 400
    assert b"A title is required." in response.content
    assert not requester.contact.tickets.exists()


def test_staff_open_a_ticket_for_a_requester(client, manager, policy):
    client.force_login(manager)
    response = client.post(
        "/tickets/new/", {"title": "Printer jam", "email": "someone@customer.example"}
    )
    assert response.status_code == 302
    assert b"Printer jam" in client.get(response["Location"]).content


def test_an_agent_who_cannot_see_the_new_ticket_lands_on_the_list(
    client, agent, other_team, policy
):
    import_rules(
        text="""
- name: printers_go_to_apps
  trigger: {event: ticket.created, conditions: [{title: {contains: printer}}]}
  action: {type: assign, to: team:apps}
"""
    )
    client.force_login(agent)
    response = client.post(
        "/tickets/new/", {"title": "Printer jam", "email": "someone@customer.example"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/tickets/?q=INC-")


def test_bulk_actions_confirm_first_then_report_each_ticket(client, manager, agent, make_tickets):
    first, second = make_tickets(2, priority="low")
    client.force_login(manager)
    data = {"action": "priority:critical", "ticket": [first.pk, second.pk]}

    asked = client.post("/tickets/bulk/", data)
    first.refresh_from_db()
    assert asked.status_code == 200 and b'id="bulk-confirm"' in asked.content
    assert first.priority == "low"  # nothing changed before the confirmation

    done = client.post("/tickets/bulk/", data | {"confirmed": "yes"})
    assert done.content.decode().count("done") == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.priority, second.priority) == ("critical", "critical")


def test_bulk_close_reports_the_refusals_inline(client, manager, make_tickets):
    ticket = make_tickets(1)[0]
    client.force_login(manager)
    response = client.post(
        "/tickets/bulk/", {"action": "close", "ticket": [ticket.pk], "confirmed": "yes"}
    )
    assert "cannot go from &#x27;new&#x27; to &#x27;closed&#x27;" in response.content.decode()


def test_bulk_route_is_for_managers_and_requesters_have_no_bulk(
    client, agent, requester, team, make_tickets
):
    ticket = make_tickets(1, team=team)[0]
    client.force_login(agent)
    assert "route" not in dict(client.get("/tickets/").context["bulk_actions"])
    refused = client.post("/tickets/bulk/", {"action": "route", "ticket": [ticket.pk]})
    assert refused.status_code == 403
    client.force_login(requester)
    assert client.get("/tickets/").context["bulk_actions"] == []
    assert client.post("/tickets/bulk/", {"action": "close"}).status_code == 403


def test_bulk_ignores_tickets_out_of_sight_and_bad_ids(client, agent, other_team, make_tickets):
    hidden = make_tickets(1, team=other_team)[0]
    client.force_login(agent)
    response = client.post(
        "/tickets/bulk/", {"action": "close", "ticket": [hidden.pk, "not-a-uuid"]}
    )
    assert response.status_code == 400
    assert b"Select tickets." in response.content


def test_managers_route_tickets_again_in_bulk(client, manager, team, make_tickets):
    from routing.models import AllocationDecision

    ticket = make_tickets(1, team=team, title="VPN tunnel flaps")[0]
    client.force_login(manager)
    response = client.post(
        "/tickets/bulk/", {"action": "route", "ticket": [ticket.pk], "confirmed": "yes"}
    )
    assert response.status_code == 200
    assert AllocationDecision.objects.filter(ticket=ticket).count() == 1
