import pytest
from django.test import Client, override_settings


@pytest.mark.django_db
def test_health_reports_every_dependency(client, settings):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    expected_broker = "ok" if settings.REDIS_URL else "eager"
    assert body["checks"] == {"database": "ok", "channel_layer": "ok", "broker": expected_broker}


@pytest.mark.django_db
def test_health_needs_no_login_and_is_not_cached(client):
    response = client.get("/health")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_gives_503_naming_it(client):
    # Port 9 on loopback: nothing listens there, so the connection is refused at once.
    with override_settings(REDIS_URL="redis://127.0.0.1:9/0"):
        response = client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["broker"].startswith("error")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_a_dead_channel_layer_gives_503_naming_it(client):
    from channels.layers import channel_layers

    dead = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:9/0"]},
        }
    }
    with override_settings(CHANNEL_LAYERS=dead):
        channel_layers.backends.clear()
        try:
            response = client.get("/health")
        finally:
            channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"].startswith("error")


def test_health_refuses_other_methods(client):
    assert client.post("/health").status_code == 405


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_another_method_is_405_not_a_csrf_page(method):
    response = getattr(Client(enforce_csrf_checks=True), method)("/health")
    assert response.status_code == 405 and response["Allow"] == "GET"
