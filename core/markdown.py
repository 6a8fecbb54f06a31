"""Markdown to safe HTML, for knowledge-base articles and timeline entries. Pure: no ORM.

markdown-it-py renders CommonMark with raw HTML turned off (it comes out escaped), then nh3
keeps only the tags, attributes and URL schemes listed here: no script, no event handlers, no
``javascript:`` or ``data:`` links, whatever an author (or a pasted ticket) wrote."""

import html

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
# Replies and notes are written like messages: a single newline is a line break.
_entry_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "breaks": True}
).enable("table")

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr",
    "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def render_markdown(text: str) -> str:
    """The article body as sanitised HTML, safe to put in a page as it is."""
    return sanitise(_markdown.render(text or ""))


def render_entry(text: str) -> str:
    """A timeline entry written in the composer as sanitised HTML (newlines kept)."""
    return sanitise(_entry_markdown.render(text or ""))


def plain_text(text: str) -> str:
    """The words of a Markdown body without markup (for search and suggestions)."""
    return html.unescape(nh3.clean(_markdown.render(text or ""), tags=set()))
