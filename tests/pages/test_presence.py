"""/ws/tickets/<uuid>/presence/ through the real ASGI application: who may connect, and the
presence and "is replying" messages the other pages receive."""

import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = b"http://testserver"


@pytest.fixture
def app(settings, monkeypatch):
    from itsm.asgi import application

    settings.ALLOWED_HOSTS = ["testserver"]
    layers = {name: dict(config) for name, config in django_settings.CHANNEL_LAYERS.items()}
    default = layers["default"]
    if "CONFIG" in default:  # Redis: a prefix of this test's own
        default["CONFIG"] = {**default["CONFIG"], "prefix": f"itsm-test-{uuid.uuid4().hex[:12]}"}
    settings.CHANNEL_LAYERS = layers
    validator = application.application_mapping["websocket"]
    monkeypatch.setattr(validator, "allowed_origins", ["testserver"])
    return application


def cookie(user) -> bytes:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


def socket(app, ticket, user=None) -> WebsocketCommunicator:
    headers = [(b"origin", ORIGIN)] + ([(b"cookie", cookie(user))] if user else [])
    return WebsocketCommunicator(app, f"/ws/tickets/{ticket.pk}/presence/", headers=headers)


async def refused_with(communicator) -> int:
    connected, _ = await communicator.connect()
    assert connected
    closed = await communicator.receive_output(timeout=5)
    assert closed["type"] == "websocket.close"
    await communicator.wait()
    return closed["code"]


def test_only_staff_who_see_the_ticket_connect(app, ticket, requester, other_agent):
    sockets = [
        socket(app, ticket),
        socket(app, ticket, requester),
        socket(app, ticket, other_agent),
    ]

    async def body():
        assert [await refused_with(s) for s in sockets] == [4401, 4403, 4403]

    async_to_sync(body)()


def test_agents_on_one_ticket_see_each_other_and_who_is_replying(app, ticket, agent, team):
    bob = factories.AgentFactory(teams=[team], first_name="Bob", last_name="Builder")
    agent_name = agent.get_full_name()

    first, second = socket(app, ticket, agent), socket(app, ticket, bob)

    async def body():
        assert (await first.connect())[0]
        assert (await second.connect())[0]

        joined = await first.receive_json_from(timeout=5)
        assert joined == {
            "type": "presence",
            "state": "here",
            "user": {"id": bob.pk, "name": "Bob Builder"},
        }
        already = await second.receive_json_from(timeout=5)
        assert (already["state"], already["user"]["name"]) == ("here", agent_name)
        assert await second.receive_nothing(timeout=0.2)  # an answer is not answered

        await second.send_json_to({"type": "typing", "typing": True})
        assert (await first.receive_json_from(timeout=5))["state"] == "typing"
        await second.send_json_to({"type": "typing", "typing": False})
        assert (await first.receive_json_from(timeout=5))["state"] == "idle"

        await second.disconnect()
        left = await first.receive_json_from(timeout=5)
        assert (left["state"], left["user"]["id"]) == ("left", bob.pk)
        assert await first.receive_nothing(timeout=0.2)  # nobody hears their own messages
        await first.disconnect()

    async_to_sync(body)()


def test_other_tickets_hear_nothing(app, ticket, agent, team):
    elsewhere = factories.TicketFactory(team=team)

    here, there = socket(app, ticket, agent), socket(app, elsewhere, agent)

    async def body():
        assert (await here.connect())[0] and (await there.connect())[0]
        await here.send_json_to({"type": "typing", "typing": True})
        assert await there.receive_nothing(timeout=0.3)
        await here.disconnect()
        await there.disconnect()

    async_to_sync(body)()
