"""An HTTP GET sent straight to an ASGI application (asgiref's ApplicationCommunicator), for
tests of the layers a test client skips: the ASGI handler and what wraps it."""

from asgiref.testing import ApplicationCommunicator


def http_scope(
    path: str, *, query_string: bytes = b"", headers=(), host: bytes = b"testserver"
) -> dict:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "root_path": "",
        "headers": [(b"host", host), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }


async def http_request(
    app, path: str, *, method: str = "GET", parts: tuple[bytes, ...] = (b"",), **scope
) -> tuple[int, dict, bytes]:
    """(status, headers, body) of the whole answer to a request whose body arrives in
    ``parts``, one ``http.request`` message each (several: as a server hands on a chunked
    body). Header names as the application sent them."""
    communicator = ApplicationCommunicator(app, http_scope(path, **scope) | {"method": method})
    for number, part in enumerate(parts, start=1):
        more = number < len(parts)
        await communicator.send_input({"type": "http.request", "body": part, "more_body": more})
    try:
        start = await communicator.receive_output(10)
        body = b""
        while True:
            message = await communicator.receive_output(10)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(10)
    finally:
        communicator.stop()
    return start["status"], dict(start["headers"]), body


async def http_get(app, path: str, **scope) -> tuple[int, dict, bytes]:
    """(status, headers, body) of the whole answer."""
    return await http_request(app, path, **scope)
