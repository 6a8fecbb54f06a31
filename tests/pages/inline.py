"""What a strict Content-Security-Policy would block in a page: inline scripts, inline styles,
event-handler attributes and javascript: URLs. Pages must carry none of them."""

from html.parser import HTMLParser

# <script type=...> blocks that are data, not code (json_script and the like).
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        kind = values.get("type", "").strip().lower()
        if tag == "script" and "src" not in values and kind not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> element at line {self.getpos()[0]}")
        for name, value in values.items():
            if name == "style":
                self.found.append(f'style="{value}" on <{tag}> at line {self.getpos()[0]}')
            elif name.startswith("on"):
                self.found.append(f"{name}= handler on <{tag}> at line {self.getpos()[0]}")
            elif name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    """Everything in ``html`` that needs 'unsafe-inline' (or a nonce or hash) to run or apply."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header value as directive -> sources."""
    parsed = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0].lower()] = words[1:]
    return parsed
