"""The websocket and startup checks of bench/webservers.py: what each server does with the
dashboard's websocket (with a token, without, a bad one, a foreign origin, an unknown path), a
multipart body without a boundary, and the distinct lines it logged."""

import asyncio
import json
import re

import httpx


async def websocket_checks(server, bearer: str) -> list[str]:
    try:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed, InvalidStatus
    except ImportError:
        return ["websockets client not installed: skipped"]
    base = f"ws://127.0.0.1:{server.port}"
    origin = server.base
    lines = []
    cases = [
        ("dashboard, manager token", f"/ws/dashboard/?token={bearer}", origin),
        ("dashboard, no token", "/ws/dashboard/", origin),
        ("dashboard, bad token", "/ws/dashboard/?token=not-a-jwt", origin),
        ("dashboard, foreign Origin", "/ws/dashboard/", "http://evil.example"),
        ("unknown path", "/ws/nowhere/", origin),
    ]
    for label, path, sent_origin in cases:
        try:
            async with connect(base + path, origin=sent_origin, open_timeout=10) as ws:
                try:
                    message = json.loads(await asyncio.wait_for(ws.recv(), timeout=15))
                    lines.append(f"{label}: accepted; first message {message.get('type')!r}")
                except ConnectionClosed as closed:
                    code = closed.rcvd.code if closed.rcvd else None
                    lines.append(f"{label}: accepted, then closed with code {code}")
        except InvalidStatus as refused:
            lines.append(f"{label}: handshake refused with HTTP {refused.response.status_code}")
        except Exception as exc:  # report whatever the server did, do not stop the run
            lines.append(f"{label}: {type(exc).__name__}: {exc}")
    return lines


def bad_multipart(server, bearer: str) -> str:
    response = httpx.post(
        f"{server.base}/api/v1/tickets/",
        content=b"--x\r\n",
        headers={
            "Authorization": f"Bearer {bearer}",
            "Content-Type": "multipart/form-data",
        },
        timeout=30,
    )
    body = response.text[:120].replace("\n", " ")
    return f"multipart without boundary: HTTP {response.status_code}, body {body!r}"


def log_notes(server) -> list[str]:
    """Distinct lines of a server's log (startup and under load), without traceback frames
    and with JWTs masked."""
    seen: dict[str, int] = {}
    for line in server.log_path.read_text(errors="replace").splitlines():
        if not line.strip() or line[0].isspace() or line.startswith("Traceback"):
            continue
        text = line.split("] ", 1)[-1] if line.startswith("[") else line
        text = re.sub(r"eyJ[\w.-]+", "<JWT>", text)
        text = re.sub(r"127\.0\.0\.1:\d+ ", "127.0.0.1:PORT ", text)
        if text:
            seen[text] = seen.get(text, 0) + 1
    return [f"{text}" + (f"  (x{count})" if count > 1 else "") for text, count in seen.items()]
