"""A small SMTP server on 127.0.0.1 for the tests that count connections: it speaks enough of
RFC 5321 for smtplib (EHLO, MAIL, RCPT, DATA, RSET, QUIT), refuses the recipients in
``refuse`` with a 550, and records each connection and each accepted message."""

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Session(socketserver.StreamRequestHandler):
    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        server: SMTPServer = self.server  # type: ignore[assignment]
        server.connections += 1
        self.reply("220 127.0.0.1 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command[:4].upper()
            if verb == "RCPT":
                address = command.partition(":")[2].strip().strip("<>")
                self.reply("550 No such user" if address in server.refuse else "250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                server.messages.append(self._data())
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:  # EHLO, HELO, MAIL, RSET, NOOP
                self.reply("250 OK")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line)
        return b"".join(lines)


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.connections = 0
        self.messages: list[bytes] = []
        self.refuse: set[str] = set()

    @property
    def port(self) -> int:
        return self.server_address[1]


@contextmanager
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
