"""What a page loads from elsewhere: pages must work offline, with only our own static files."""

import re

# src= or href= on the tags that make the browser fetch something.
_LOADS = re.compile(
    r"<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*[\"']([^\"']+)[\"']",
    re.IGNORECASE,
)


def foreign_assets(html: str) -> list[str]:
    """Every asset URL in the page that points at another origin."""
    return [
        url for url in _LOADS.findall(html) if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I)
    ]
