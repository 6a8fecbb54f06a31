"""Security headers on every response: Permissions-Policy, Referrer-Policy, X-Frame-Options and
the Content-Security-Policy, which never replaces a stricter one a view set itself."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

POWERFUL_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def features(header: str) -> dict[str, str]:
    return dict(part.strip().split("=", 1) for part in header.split(","))


@pytest.fixture
def responses(agent):
    signed_in = Client()
    signed_in.force_login(agent)
    return {
        "page": Client().get("/accounts/login/"),
        "signed-in page": signed_in.get("/"),
        "redirect": Client().get("/"),
        "api": Client().get("/api/v1/tickets/"),
        "not found": Client().get("/no-such-page/"),
        "health": Client().get("/health"),
        "static file": Client().get("/static/css/itsm.css"),
    }


def test_every_response_denies_the_powerful_features(responses):
    for name, response in responses.items():
        header = response.get("Permissions-Policy")
        assert header, name
        allowed = features(header)
        for feature in POWERFUL_FEATURES:
            assert allowed.get(feature) == "()", (name, header)


def test_every_response_keeps_the_referrer_and_framing_headers(responses):
    for name, response in responses.items():
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], name
    for name in ("page", "signed-in page", "api", "not found"):
        assert responses[name]["X-Frame-Options"] == "DENY", name


def test_a_downloaded_attachment_keeps_its_own_stricter_policy(settings, tmp_path, ticket, agent):
    settings.MEDIA_ROOT = str(tmp_path)
    api = APIClient()
    api.force_authenticate(agent)
    created = api.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": SimpleUploadedFile("page.html", b"<script>alert(1)</script>", "text/html")},
        format="multipart",
    )
    assert created.status_code == 201, created.content
    download = api.get(created.json()["download_url"])
    assert download.status_code == 200
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert download["Permissions-Policy"]


def test_admin_pages_cannot_be_framed(admin_user):
    client = Client()
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
