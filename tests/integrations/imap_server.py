"""A real IMAP server process for the tests: pymap's in-memory backend (pure Python, from
PyPI) serving on a socket the test already bound and listens on (passed as a file descriptor),
so it can be connected to at once, with no waiting for start-up.

    python -m tests.integrations.imap_server <fd> <user> <password>
"""

import asyncio
import socket
import sys


def main() -> None:
    fd, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    listening = socket.socket(fileno=fd)
    import pymap.imap
    import pymap.main

    start_server = asyncio.start_server

    async def on_inherited_socket(callback, host=None, port=None, **kwargs):
        return await start_server(callback, sock=listening, **kwargs)

    pymap.imap.asyncio.start_server = on_inherited_socket  # pymap's module-level import
    sys.argv = [
        "pymap",
        "--no-tls",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "dict",
        "--demo-user",
        user,
        "--demo-password",
        password,
    ]
    pymap.main.main()


if __name__ == "__main__":
    main()
