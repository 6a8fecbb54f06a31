"""Every API route of the URL conf, with its methods and a concrete path: generated, so a new
endpoint is probed the day it is added (and fails the matrix until its policy is written)."""

import re
from dataclasses import dataclass

from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

WRITE_METHODS = ("post", "put", "patch", "delete")
# Placeholders in route patterns, by the name of the parameter.
_PARAM = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    pattern: str
    methods: tuple[str, ...]

    def path(self, ids: dict[str, object]) -> str:
        """The concrete path. A parameter is taken from ``ids`` under ``<basename>.<param>``,
        the basename being the longest one that starts the route's name (``routing-rule``
        for ``routing-rule-detail``), else under the parameter's own name."""

        def value(match: re.Match) -> str:
            param = match.group(1) or match.group(2)
            scoped = [
                key
                for key in ids
                if key.endswith(f".{param}") and self.name.startswith(key.split(".")[0] + "-")
            ]
            return str(ids[max(scoped, key=len)] if scoped else ids[param])

        path = _PARAM.sub(value, self.pattern)
        return "/" + path.replace("^", "").replace("$", "").replace("/?", "/")

    @property
    def params(self) -> list[str]:
        return [m.group(1) or m.group(2) for m in _PARAM.finditer(self.pattern)]


def api_routes() -> list[Route]:
    routes = [
        Route(name, pattern, _methods(callback))
        for pattern, name, callback in _walk(get_resolver().url_patterns)
        if pattern.startswith("api/")
    ]
    return sorted(routes, key=lambda route: route.name)


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name, entry.callback


def _methods(callback) -> tuple[str, ...]:
    actions = getattr(callback, "actions", None)  # a DRF viewset route: method -> action
    if actions:
        return tuple(sorted(actions))
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is None:
        return ("get", "post")  # a function view: try both
    return tuple(
        sorted(
            method
            for method in view_class.http_method_names
            if method not in ("head", "options", "trace") and hasattr(view_class, method)
        )
    )
