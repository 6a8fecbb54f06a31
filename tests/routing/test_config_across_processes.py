"""A configuration change made by another process (``import_rules`` on the command line)
reaches this process's routing within CONFIG_MEMO_CHECK_SECONDS (1 s), with or without Redis:
the version token lives in Redis when there is one, else in the database (core.memo)."""

import os
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection

from core import memo
from routing.actions.route import route_ticket
from tests import factories
from tests.dashboard.server import manage
from tests.routing.factories import default_weights, unrouted_ticket

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
RULES = """\
- name: printers_to_apps
  trigger:
    event: ticket.created
    conditions:
      - text: {contains: printer}
  action:
    type: assign
    to: team:apps
"""


def database_url() -> str:
    """The test database, as another process reaches it."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def import_rules_elsewhere(path: Path) -> str:
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "itsm.settings",
        "DEBUG": "true",
        "DATABASE_URL": database_url(),
    }
    return manage(env, "import_rules", str(path))


def test_rules_imported_by_another_process_route_the_next_ticket(settings, tmp_path):
    settings.CONFIG_MEMO_CHECK_SECONDS = 1.0  # the production default
    network = factories.TeamFactory(slug="network", capabilities=["network"])
    apps = factories.TeamFactory(slug="apps", capabilities=["sap"])
    factories.AgentFactory(teams=[network])
    factories.AgentFactory(teams=[apps])
    default_weights()
    printer_jam = {"title": "Printer jammed", "category": "network"}
    before = route_ticket(ticket_id=unrouted_ticket(**printer_jam).pk)
    assert (before.team, before.method) == (network, "scoring")

    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES)
    assert "1 new" in import_rules_elsewhere(rules)

    one_second_later = memo._clock() + 1.0
    with mock.patch.object(memo, "_clock", lambda: one_second_later):
        after = route_ticket(ticket_id=unrouted_ticket(**printer_jam).pk)
    assert (after.team, after.method, after.rule_name) == (apps, "rule", "printers_to_apps")
