"""Production smoke checks over HTTP and a websocket, run by .ci/production against the
Procfile's process set (web, worker, beat) on PostgreSQL and Redis, DEBUG off.

The server runs as it would behind a TLS-terminating proxy (BEHIND_TLS_PROXY, secure cookies,
HTTPS redirects on): this client plays the proxy, sending ``X-Forwarded-Proto: https`` and
returning the Secure cookies over its loopback hop.

    python .ci/smoke.py check BASE_URL ADMIN_USER ADMIN_PASSWORD API_KEY WORKER_LOG
    python .ci/smoke.py restored BASE_URL DOWNLOAD_PATH   (after a backup was restored)
"""

import asyncio
import json
import sys
import time
from pathlib import Path

import httpx
import websockets

AGENT = ("nina.network", "demo-pass-2026")  # seed_demo's
MANAGER = ("maria.manager", "demo-pass-2026")
PROXY = {"X-Forwarded-Proto": "https"}


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok: {what}")


class ProxyHop:
    """The proxy's hop is plain HTTP, so an HTTP client drops the cookies the server marked
    Secure; this one keeps them and hands them back, as the browser does over HTTPS."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, request: httpx.Request) -> None:
        if self.cookies:
            request.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def response(self, response: httpx.Response) -> None:
        self.cookies.update(response.cookies.items())


def browser(base: str) -> httpx.Client:
    hop = ProxyHop()
    client = httpx.Client(
        base_url=base,
        headers=PROXY,
        timeout=20,
        event_hooks={"request": [hop.request], "response": [hop.response]},
    )
    client.hop = hop
    return client


def sign_in(client: httpx.Client, base: str, username: str, password: str) -> None:
    page = client.get("/accounts/login/")
    check(page.status_code == 200 and "csrfmiddlewaretoken" in page.text, "sign-in page")
    origin = base.replace("http://", "https://")
    answer = client.post(
        "/accounts/login/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": client.hop.cookies["csrftoken"],
        },
        headers={"Referer": f"{origin}/accounts/login/", "Origin": origin},
    )
    check(answer.status_code == 302, f"{username} signs in")


def pages(base: str, admin: tuple[str, str]) -> None:
    with browser(base) as agent:
        sign_in(agent, base, *AGENT)
        queue = agent.get("/")
        check(queue.status_code == 200 and "<html" in queue.text, "the agent's work queue")
        tickets = agent.get("/tickets/")
        check(tickets.status_code == 200, "the agent's ticket list")
    with browser(base) as staff:
        sign_in(staff, base, *admin)
        check(staff.get("/admin/").status_code == 200, "the admin")
        check(staff.get("/admin/tickets/ticket/").status_code == 200, "the admin's ticket list")
        docs = staff.get("/api/docs/")
        check(docs.status_code == 200 and "swagger" in docs.text.lower(), "/api/docs/")
        schema = staff.get("/api/schema/")
        check(schema.status_code == 200 and "openapi" in schema.text, "/api/schema/")
        static = [part.split('"')[0] for part in docs.text.split('src="')[1:]]
        check(all(staff.get(url).status_code == 200 for url in static), "the docs' static files")


def access_token(api: httpx.Client) -> str:
    answer = api.post("/api/auth/token/", json={"username": MANAGER[0], "password": MANAGER[1]})
    check(answer.status_code == 200, "a JWT for the manager")
    return answer.json()["access"]


async def webhook_routed_by_the_worker(base: str, api_key: str, worker_log: Path) -> str:
    """Deliver a ticket through the webhook while the dashboard listens; the 202 comes first,
    the worker routes, and the websocket hears of it. Returns the ticket id."""
    with httpx.Client(base_url=base, headers=PROXY, timeout=20) as api:
        token = access_token(api)
        ws_url = base.replace("http://", "ws://") + f"/ws/dashboard/?token={token}"
        origin = base.replace("http://", "https://")
        async with websockets.connect(ws_url, origin=origin, open_timeout=20) as socket:
            first = json.loads(await asyncio.wait_for(socket.recv(), 20))
            check(first["type"] == "kpi.snapshot", "dashboard websocket: the snapshot")
            reference = f"SMOKE-{int(time.time())}"
            body = {
                "ticket_id": reference,
                "title": "VPN tunnel drops every ten minutes",
                "description": "Smoke test: the VPN disconnects in the Berlin office.",
                "category": "network",
                "urgency": "2",
                "impact": "2",
                "requester": {"email": "smoke@customer.example", "name": "Smoke Test"},
            }
            answer = api.post(
                "/api/v1/webhooks/ticket",
                json=body,
                headers={"X-Source-ID": "generic", "Authorization": f"Api-Key {api_key}"},
            )
            check(answer.status_code == 202, f"webhook accepted: {answer.text[:200]}")
            ticket_id = answer.json()["ticket_id"]
            heard = await events_for(socket, ticket_id, seconds=30)
            check("ticket.created" in heard, "dashboard websocket: ticket.created")
            headers = {"Authorization": f"Bearer {token}"}
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                ticket = api.get(f"/api/v1/tickets/{ticket_id}/", headers=headers).json()
                if ticket.get("allocation"):
                    break
                await asyncio.sleep(0.5)
            check(bool(ticket.get("allocation")), "the ticket is routed")
            group = ticket["allocation"]["allocation"]["group_name"]
            check(group == "Network Team", f"routed to the network team ({group})")
    log = worker_log.read_text(errors="replace")
    check("Task core.drain_stream" in log and "succeeded" in log, "the worker delivered the events")
    return ticket_id


async def events_for(socket, ticket_id: str, seconds: float) -> set[str]:
    heard: set[str] = set()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and "ticket.created" not in heard:
        try:
            message = json.loads(await asyncio.wait_for(socket.recv(), 2))
        except TimeoutError:
            continue
        if message.get("ticket", {}).get("id") == ticket_id:
            heard.add(message["type"])
    return heard


def attach(base: str, ticket_id: str, content: bytes) -> str:
    """An attachment to back up and restore; returns its download path."""
    with httpx.Client(base_url=base, headers=PROXY, timeout=20) as api:
        headers = {"Authorization": f"Bearer {access_token(api)}"}
        answer = api.post(
            f"/api/v1/tickets/{ticket_id}/attachments/",
            files={"file": ("smoke.txt", content, "text/plain")},
            headers=headers,
        )
        check(answer.status_code == 201, f"attachment stored: {answer.text[:200]}")
        download = answer.json()["download_url"]
        check(api.get(download, headers=headers).content == content, "attachment read back")
        return download


ATTACHMENT = b"smoke attachment\n"


def main() -> None:
    mode, base, *rest = sys.argv[1:]
    health = httpx.get(f"{base}/health", timeout=20)
    check(health.status_code == 200, f"/health: {health.text[:200]}")
    if mode == "restored":
        with httpx.Client(base_url=base, headers=PROXY, timeout=20) as api:
            headers = {"Authorization": f"Bearer {access_token(api)}"}
            restored = api.get(rest[0], headers=headers)
        check(restored.content == ATTACHMENT, "the attachment survived backup and restore")
        return
    admin_user, admin_password, api_key, worker_log = rest
    pages(base, (admin_user, admin_password))
    ticket_id = asyncio.run(webhook_routed_by_the_worker(base, api_key, Path(worker_log)))
    print(f"download={attach(base, ticket_id, ATTACHMENT)}")


if __name__ == "__main__":
    main()
