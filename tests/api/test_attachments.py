import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(api, user, ticket, name="log.txt", body=b"hello", content_type="text/plain", **extra):
    api.as_(user)
    return api.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"file": SimpleUploadedFile(name, body, content_type=content_type), **extra},
        format="multipart",
    )


def test_upload_list_and_download(api, ticket, requester, agent):
    created = upload(api, requester, ticket)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["filename"], body["size"], body["visibility"]) == ("log.txt", 5, "public")
    listed = api.as_(agent).get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()["results"]
    assert [a["id"] for a in listed] == [body["id"]]
    download = api.as_(agent).get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"hello"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("page.html", "text/html"),
        ("logo.svg", "image/svg+xml"),
        ("x.xhtml", "application/xhtml+xml"),
    ],
)
def test_html_and_svg_are_never_served_as_themselves(api, ticket, agent, name, content_type):
    created = upload(
        api, agent, ticket, name=name, body=b"<script>alert(1)</script>", content_type=content_type
    )
    download = api.as_(agent).get(created.json()["download_url"])
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in download["Content-Security-Policy"]


def test_internal_files_are_invisible_to_requesters(api, ticket, agent, requester):
    internal = upload(api, agent, ticket, visibility="internal").json()
    assert api.as_(requester).get(internal["download_url"]).status_code == 404
    assert api.as_(requester).get(f"/api/v1/tickets/{ticket.pk}/attachments/").json()["count"] == 0
    refused = upload(api, requester, ticket, visibility="internal")
    assert refused.status_code == 403


def test_other_teams_and_strangers_get_404(api, ticket, agent, other_agent):
    created = upload(api, agent, ticket).json()
    assert api.as_(other_agent).get(created["download_url"]).status_code == 404
    stranger = factories.RequesterFactory()
    assert upload(api, stranger, ticket).status_code == 404


def test_path_tricks_in_filenames_are_cleaned(api, ticket, agent):
    created = upload(api, agent, ticket, name="../../etc/passwd\r\n.txt").json()
    assert "/" not in created["filename"] and "\n" not in created["filename"]


def test_empty_and_missing_files_are_400(api, ticket, agent):
    assert upload(api, agent, ticket, body=b"").status_code == 400
    api.as_(agent)
    missing = api.post(
        f"/api/v1/tickets/{ticket.pk}/attachments/", {"visibility": "public"}, format="multipart"
    )
    assert missing.status_code == 400 and "file" in missing.json()["errors"]


def test_too_large_files_are_refused(api, ticket, agent, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = upload(api, agent, ticket, body=b"x" * 11)
    assert response.status_code == 400 and "file" in response.json()["errors"]


def test_json_body_to_the_upload_is_415(api, ticket, agent):
    response = api.as_(agent).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": "x"}, format="json"
    )
    assert response.status_code == 415
