"""``{% team_filter_options %}`` and ``{% team_share_options %}`` write what the list page's
two team loops (below, as they were) wrote: every value the filter may hold (nothing, a slug,
an id, ``none``, no such team), names to escape, no teams."""

import pytest
from django.template import Context, Template

from org.models import Team
from tests import factories

pytestmark = pytest.mark.django_db

# templates/desk/list.html's loops before the tags replaced them.
FILTER_LOOP = (
    '{% with team_value=value %}{% for t in teams %}<option value="{{ t.slug }}"'
    '{% if team_value == t.slug or team_value == t.pk|stringformat:"s" %} selected{% endif %}>'
    "{{ t.name }}</option>{% endfor %}{% endwith %}"
)
SHARE_LOOP = '{% for t in teams %}<option value="{{ t.pk }}">{{ t.name }}</option>{% endfor %}'


def render(text: str, teams, value=None) -> str:
    return Template("{% load team_options %}" + text).render(
        Context({"teams": teams, "value": value})
    )


def test_the_tags_write_what_the_loops_wrote():
    factories.TeamFactory(slug="network", name="Network")
    factories.TeamFactory(slug="apps", name='Apps <"R&D">')
    factories.TeamFactory(slug="o-brien", name="O'Brien's desk")
    teams = list(Team.objects.order_by("name").only("id", "slug", "name"))
    values = [None, "", "none", "apps", str(teams[1].pk), "nobody", teams[2].slug]
    for value in values:
        expected = render(FILTER_LOOP, teams, value)
        written = render("{% team_filter_options teams value %}", teams, value)
        assert written == expected, value
    assert render(FILTER_LOOP, teams, "apps").count(" selected") == 1
    assert "&lt;&quot;R&amp;D&quot;&gt;" in render(SHARE_LOOP, teams)
    assert render("{% team_share_options teams %}", teams) == render(SHARE_LOOP, teams)
    assert render("{% team_filter_options teams value %}", [], "apps") == ""
    assert render("{% team_share_options teams %}", []) == ""
