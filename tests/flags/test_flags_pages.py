"""The ticket page's case panel: staff only, the flag service behind its forms, a refusal
shown (in the panel with htmx, on the ticket page without)."""

import pytest

from tickets.models import CaseFlag

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def test_the_ticket_page_loads_the_panel_for_staff_only(client, agent, requester, ticket):
    client.force_login(agent)
    page = client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'hx-get="/tickets/{ticket.pk}/case/"' in page
    panel = client.get(f"/tickets/{ticket.pk}/case/")
    assert panel.status_code == 200 and "No flags." in panel.content.decode()

    client.force_login(requester)
    assert "/case/" not in client.get(f"/tickets/{ticket.pk}/").content.decode()
    assert client.get(f"/tickets/{ticket.pk}/case/").status_code == 403
    assert client.post(f"/tickets/{ticket.pk}/flags/", {"kind": "vip"}).status_code == 403
    assert not CaseFlag.objects.exists()


def test_forms_add_and_remove_with_and_without_htmx(client, agent, ticket):
    client.force_login(agent)
    added = client.post(f"/tickets/{ticket.pk}/flags/", {"kind": "vip", "reason": "CEO"})
    assert added.status_code == 302 and added["Location"] == f"/tickets/{ticket.pk}/"
    removed = client.post(f"/tickets/{ticket.pk}/flags/vip/remove/", **HX)
    assert removed.status_code == 200 and "No flags." in removed.content.decode()
    assert not CaseFlag.objects.exists()


def test_refusals_are_shown_and_write_nothing(client, agent, ticket, settings):
    settings.ITSM_LEGAL_TEAM = ""
    client.force_login(agent)
    in_panel = client.post(f"/tickets/{ticket.pk}/flags/", {"kind": "legal"}, **HX)
    assert in_panel.status_code == 200
    assert 'role="alert"' in in_panel.content.decode()
    assert "ITSM_LEGAL_TEAM" in in_panel.content.decode()
    on_page = client.post(f"/tickets/{ticket.pk}/flags/", {"kind": "<script>x</script>"})
    assert on_page.status_code == 400
    body = on_page.content.decode()
    assert "Unknown flag" in body and "<script>x</script>" not in body
    assert not CaseFlag.objects.exists()
