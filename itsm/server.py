"""The HTTP and websocket server: daphne, with one setting its command line does not offer.

    python -m itsm.server --bind 127.0.0.1 --port 8000 itsm.asgi:application

(any of daphne's own options). Twisted, under daphne, parses url-encoded and multipart POST
bodies itself before the application sees them: a multipart body without a valid boundary is
then answered with a bare 400 and no body, outside the API's error format, and every upload is
parsed twice. Turned off here: bodies reach Django untouched, which parses (and refuses) them
in the error format.
"""

from daphne import http_protocol
from daphne.cli import CommandLineInterface

from itsm.configuration import exit_if_missing


class UnparsedBodyRequest(http_protocol.WebRequest):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **{**kwargs, "parsePOSTFormSubmission": False})


def main() -> None:
    # daphne's HTTP factory builds each request from this module attribute.
    http_protocol.WebRequest = UnparsedBodyRequest
    CommandLineInterface.entrypoint()


if __name__ == "__main__":
    exit_if_missing(main)
