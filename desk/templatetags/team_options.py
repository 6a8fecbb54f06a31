"""``{% team_filter_options teams value %}`` and ``{% team_share_options teams %}``: the list
page's team ``<option>``s, written in Python.

An admin's list page names every team twice (the team filter and the "share with" select of a
saved view): the template's two loops resolved ~500 variables a page, as much CPU as the 25
rows (docs/benchmarks.md, "The list page's own CPU"). The markup is the loops' own, character
for character (tests/pages/test_team_options_tag.py renders both and compares).
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def team_filter_options(teams, value) -> SafeString:
    """The team filter's options; the one whose slug or id is ``value`` is selected."""
    options = []
    for team in teams:
        chosen = value == team.slug or value == str(team.pk)
        selected = " selected" if chosen else ""
        options.append(
            f'<option value="{escape(str(team.slug))}"{selected}>{escape(str(team.name))}</option>'
        )
    return mark_safe("".join(options))  # noqa: S308 - every value escaped


@register.simple_tag
def team_share_options(teams) -> SafeString:
    """A saved view's "share with" options: each team by id."""
    options = [
        f'<option value="{escape(str(team.pk))}">{escape(str(team.name))}</option>'
        for team in teams
    ]
    return mark_safe("".join(options))  # noqa: S308 - every value escaped
