"""JSON bodies with bounds: a hostile body is a 400, never a crash.

Python's JSON decoder recurses once per nesting level, so a few kilobytes of ``[[[[...`` raise
RecursionError (a 500) before any view runs, signed in or not. The bounds are checked on the
decoded value without recursion, and the decoder's own RecursionError is turned into the same
400 for bodies deep enough to hit the interpreter's limit first.
"""

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(too_deep_message()) from error
        check_json_bounds(data)
        return data


def too_deep_message() -> str:
    return f"JSON nested deeper than {settings.API_JSON_MAX_DEPTH} levels."


def check_json_bounds(data) -> None:
    """Raise ParseError if the value nests deeper, or holds more members (object keys and array
    items, counted together), than the settings allow."""
    max_depth, max_members = settings.API_JSON_MAX_DEPTH, settings.API_JSON_MAX_MEMBERS
    members = 0
    pending = [(data, 1)]  # an explicit stack: walking must not recurse either
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > max_depth:
            raise ParseError(too_deep_message())
        members += len(children)
        if members > max_members:
            raise ParseError(f"JSON with more than {max_members} keys and items.")
        pending.extend((child, depth + 1) for child in children)
