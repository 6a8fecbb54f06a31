"""CSV import and export of teams, agents and contacts (django-import-export) through the owning
apps' actions: the dry run previews what will change and writes nothing; a file with one bad
row shows that row's error, offers no confirm and writes nothing; a good file, confirmed, is
written with audit rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog
from org.models import AgentProfile, Team
from org.resources import AgentResource, TeamResource
from tests import factories
from tests.pages.inline import inline_code
from tickets.models import Contact
from tickets.resources import ContactResource

pytestmark = pytest.mark.django_db


def upload(client, model: str, text: str):
    """The first step: the upload and its dry run."""
    url = reverse(f"admin:{model}_import")
    csv = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    return client.post(url, {"import_file": csv, "format": "0"})


def confirm(client, model: str, dry_run):
    form = dry_run.context["confirm_form"]
    return client.post(reverse(f"admin:{model}_process_import"), form.initial)


def test_a_team_file_is_previewed_then_written_through_the_action(client, admin_user, team):
    client.force_login(admin_user)
    text = (
        "slug,name,status,capabilities,max_bandwidth,timezone\n"
        'network,Network Ops,active,"network, vpn, wifi",25,Europe/London\n'
        'desk,Service Desk,active,"password, access",40,America/New_York\n'
    )

    dry_run = upload(client, "org_team", text)

    assert dry_run.status_code == 200
    html = dry_run.content.decode()
    assert inline_code(html) == []
    rows = dry_run.context["result"].valid_rows()
    assert [row.import_type for row in rows] == ["update", "new"]
    assert "<del>Network</del> <ins>Network Ops</ins>" in html
    assert "<ins>Service Desk</ins>" in html
    assert not Team.objects.filter(slug="desk").exists()  # the dry run wrote nothing
    assert Team.objects.get(slug="network").name == "Network"
    assert not AuditLog.objects.filter(action__startswith="org.team").exists()

    done = confirm(client, "org_team", dry_run)

    assert done.status_code == 302
    desk = Team.objects.get(slug="desk")
    assert (desk.capabilities, desk.max_bandwidth, desk.timezone) == (
        ["password", "access"],
        40,
        "America/New_York",
    )
    team.refresh_from_db()
    assert (team.name, team.capabilities) == ("Network Ops", ["network", "vpn", "wifi"])
    actions = sorted(AuditLog.objects.values_list("action", flat=True))
    assert actions == ["org.team_changed", "org.team_created"]


def test_an_agent_file_with_one_bad_row_shows_the_error_and_writes_nothing(
    client, admin_user, team
):
    client.force_login(admin_user)
    text = (
        "username,name,email,teams,skills,max_capacity,timezone,is_available\n"
        'erin,Erin Example,erin@example.com,network,"vpn, wifi",8,Europe/Paris,1\n'
        "fred,Fred Example,fred@example.com,nope,,5,UTC,1\n"
    )

    response = upload(client, "org_agentprofile", text)

    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    bad = result.invalid_rows
    assert [row.number for row in bad] == [2]
    assert bad[0].field_specific_errors == {"teams": ["Unknown team: nope."]}
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    html = response.content.decode()
    assert "Unknown team: nope." in html and inline_code(html) == []
    assert not AgentProfile.objects.exists()
    assert not AuditLog.objects.exists()


def test_an_agent_file_cannot_give_an_agent_a_requesters_address(client, admin_user, team):
    """Neither a new agent nor a known one takes a contact's address (any case)."""
    factories.AgentFactory(username="gail", email="gail@example.com", teams=[team])
    factories.ContactFactory(email="pat@customer.example")
    client.force_login(admin_user)
    text = (
        "username,name,email,teams,skills,max_capacity,timezone,is_available\n"
        "erin,Erin Example,Pat@Customer.example,network,,8,UTC,1\n"
        "gail,Gail Ng,PAT@customer.example,network,,3,UTC,1\n"
    )

    result = upload(client, "org_agentprofile", text).context["result"]

    taken = {"email": ["A requester (contact) has this e-mail address."]}
    assert [row.field_specific_errors for row in result.invalid_rows] == [taken, taken]
    assert not AgentProfile.objects.filter(user__username="erin").exists()
    assert AgentProfile.objects.get(user__username="gail").user.email == "gail@example.com"


def test_an_agent_file_creates_and_updates_agents_with_audit_rows(client, admin_user, team):
    existing = factories.AgentFactory(username="gail", email="gail@example.com", teams=[team])
    factories.TeamFactory(slug="apps")
    client.force_login(admin_user)
    text = (
        "username,name,email,teams,skills,max_capacity,timezone,is_available\n"
        'erin,Erin Example,erin@example.com,"network, apps",vpn,8,Europe/Paris,yes\n'
        "gail,Gail Ng,gail@example.com,apps,sap,3,Asia/Tokyo,0\n"
    )

    dry_run = upload(client, "org_agentprofile", text)
    assert [r.import_type for r in dry_run.context["result"].valid_rows()] == ["new", "update"]
    assert confirm(client, "org_agentprofile", dry_run).status_code == 302

    erin = AgentProfile.objects.get(user__username="erin")
    assert sorted(t.slug for t in erin.teams.all()) == ["apps", "network"]
    assert (erin.skills, erin.max_capacity, erin.timezone) == (["vpn"], 8, "Europe/Paris")
    assert not erin.user.has_usable_password()  # signs in after a password reset
    gail = AgentProfile.objects.get(user=existing)
    assert [t.slug for t in gail.teams.all()] == ["apps"]
    assert (gail.is_available, gail.timezone, gail.user.get_full_name()) == (
        False,
        "Asia/Tokyo",
        "Gail Ng",
    )
    actions = sorted(AuditLog.objects.values_list("action", flat=True))
    assert actions == ["org.agent_created", "org.agent_profile_changed"]


def test_a_contact_file_refuses_a_bad_address_and_an_unknown_company(client, admin_user):
    factories.CompanyFactory(name="Acme")
    client.force_login(admin_user)
    text = (
        "email,name,tier,company,timezone\n"
        "new@customer.example,New Person,premium,Acme,Europe/Berlin\n"
        "not-an-address,Bad,standard,,UTC\n"
        "other@customer.example,Other,standard,Globex,UTC\n"
    )

    response = upload(client, "tickets_contact", text)

    errors = {r.number: r.field_specific_errors for r in response.context["result"].invalid_rows}
    assert errors == {
        2: {"email": ["Enter a valid email address."]},
        3: {"company": ["Unknown company: Globex."]},
    }
    assert not Contact.objects.exists()


def test_a_contact_file_creates_and_updates_contacts(client, admin_user):
    acme = factories.CompanyFactory(name="Acme")
    known = factories.ContactFactory(email="Known@Customer.example", tier="standard")
    client.force_login(admin_user)
    text = (
        "email,name,tier,company,timezone\n"
        "new@customer.example,New Person,premium,Acme,Europe/Berlin\n"
        "known@customer.example,Known Person,vip,acme,UTC\n"
    )

    dry_run = upload(client, "tickets_contact", text)
    assert [r.import_type for r in dry_run.context["result"].valid_rows()] == ["new", "update"]
    assert confirm(client, "tickets_contact", dry_run).status_code == 302

    new = Contact.objects.get(email="new@customer.example")
    assert (new.name, new.tier, new.company, new.timezone) == (
        "New Person",
        "premium",
        acme,
        "Europe/Berlin",
    )
    known.refresh_from_db()
    assert (known.name, known.tier, known.company) == ("Known Person", "vip", acme)
    assert AuditLog.objects.filter(action="contact.changed", data__contact=known.pk).exists()


def test_exports_carry_the_columns_an_import_reads(team, other_team):
    user = factories.AgentFactory(username="hana", teams=[team, other_team])
    AgentProfile.objects.filter(user=user).update(skills=["vpn", "sap"])
    factories.ContactFactory(email="c@customer.example", name="Cee")

    teams = TeamResource().export().csv
    agents = AgentResource().export().csv
    contacts = ContactResource().export().csv

    assert teams.splitlines()[0] == "slug,name,status,capabilities,max_bandwidth,timezone"
    assert 'network,Network,active,"network, vpn",20,Europe/London' in teams
    assert "hana," in agents and '"apps, network","vpn, sap",10,UTC,1' in agents
    assert "c@customer.example,Cee,standard,,UTC" in contacts


def test_the_import_and_export_pages_and_the_list_buttons_need_no_inline_code(client, admin_user):
    client.force_login(admin_user)
    for model in ("org_team", "org_agentprofile", "tickets_contact"):
        for step in ("export", "import"):
            page = client.get(reverse(f"admin:{model}_{step}"))
            assert page.status_code == 200
            assert inline_code(page.content.decode()) == []
        listing = client.get(reverse(f"admin:{model}_changelist")).content.decode()
        assert reverse(f"admin:{model}_import") in listing


def test_every_import_resource_writes_through_an_action_of_its_own():
    from core.imports import ActionResource
    from org.resources import AgentResource, TeamResource
    from tickets.resources import ContactResource

    for resource in (TeamResource, AgentResource, ContactResource):
        assert resource.write is not ActionResource.write, resource.__name__
