"""The HTTP and websocket server: daphne, with one setting its command line does not offer.

    python -m itsm.server --bind 127.0.0.1 --port 8000 itsm.asgi:application

(any of daphne's own options). Twisted, under daphne, parses url-encoded and multipart POST
bodies itself before the application sees them: a multipart body without a valid boundary is
then answered with a bare 400 and no body, outside the API's error format, and every upload is
parsed twice. Turned off here: bodies reach Django untouched, which parses (and refuses) them
in the error format.

daphne also writes its access log to stdout in its own format; here each access line is a
record of the ``daphne.access`` logger instead, so LOG_FORMAT applies to it as to every other
line (with ``--access-log <file>``, daphne's own format goes to that file as before).
"""

import logging
import sys

from daphne import cli, http_protocol
from daphne.access import AccessLogGenerator
from daphne.cli import CommandLineInterface

from itsm.configuration import exit_if_missing

access_logger = logging.getLogger("daphne.access")


class UnparsedBodyRequest(http_protocol.WebRequest):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **{**kwargs, "parsePOSTFormSubmission": False})


class LoggedAccess(AccessLogGenerator):
    """daphne's access entries as log records: client, method, path, status and size."""

    def write_entry(self, host, date, request, status=None, length=None, ident=None, user=None):
        method, _, path = request.partition(" ")
        access_logger.info(
            "%s %s %s %s",
            host,
            request,
            status or "-",
            length or "-",
            extra={"client": host, "method": method, "path": path, "status_code": status},
        )


def access_log(stream) -> AccessLogGenerator:
    """What daphne's command line builds its access log with (``stream``: stdout by default)."""
    return LoggedAccess(stream) if stream is sys.stdout else AccessLogGenerator(stream)


def main() -> None:
    # daphne's HTTP factory builds each request from this module attribute.
    http_protocol.WebRequest = UnparsedBodyRequest
    cli.AccessLogGenerator = access_log
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    exit_if_missing(main)
