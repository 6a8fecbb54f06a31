"""The error answers every operation shares, added to the OpenAPI document by a
drf-spectacular postprocessing hook (settings.SPECTACULAR_SETTINGS)."""

ERROR_SCHEMA = {
    "type": "object",
    "description": 'Every error: {"errors": {"<field or non_field_errors>": ["message", ...]}}',
    "properties": {
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        }
    },
    "required": ["errors"],
}

# Answers any operation can give, whatever its own logic: bad input, no or wrong credentials,
# not found (or not visible), wrong method, body too large, not JSON, too many requests.
COMMON_ERRORS = {
    "400": "Invalid input; the fields and why.",
    "401": "No credentials, or invalid ones.",
    "403": "Signed in, but this role may not do this.",
    "404": "No such object, or not visible to the caller.",
    "405": "Method not allowed here.",
    "413": "Request body over 1 MiB.",
    "415": "The body is not JSON.",
    "429": "Too many requests; see Retry-After.",
}
WRITE_ONLY_ERRORS = {"413", "415"}


def add_error_responses(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: document the shared error answers everywhere."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for code, description in COMMON_ERRORS.items():
                if code in WRITE_ONLY_ERRORS and method in ("get", "delete", "head"):
                    continue
                entry = responses.setdefault(code, {"description": description})
                entry.setdefault("content", {"application/json": {"schema": reference}})
    return result
