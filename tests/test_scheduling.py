"""`make test`'s scheduling: a module that serves its own processes goes to one worker whole."""

import importlib

import pytest

from tests.scheduling import ROOT, ServingModulesOnOneWorker, serves_its_own_processes


def module_marks(name: str) -> list:
    marks = getattr(importlib.import_module(name), "pytestmark", [])
    return marks if isinstance(marks, list) else [marks]


def test_the_source_reading_agrees_with_the_modules_own_marks():
    modules = sorted(ROOT.glob("tests/**/test_*.py"))
    assert len(modules) > 100
    serving = set()
    for path in modules:
        relative = path.relative_to(ROOT).as_posix()
        marked = any(
            mark.name == "embedded"
            for mark in module_marks(relative.removesuffix(".py").replace("/", "."))
        )
        assert serves_its_own_processes(relative) is marked, relative
        if marked:
            serving.add(relative)
    assert {"tests/itsm/test_production.py", "tests/pages/test_axe_browser.py"} <= serving
    assert "tests/itsm/test_webserver.py" not in serving  # one test of it is marked, not all


@pytest.mark.parametrize(
    ("first", "second", "together"),
    [
        (
            "tests/itsm/test_production.py::test_collected_assets_are_served_by_their_hashed_names",
            "tests/itsm/test_production.py::test_broken_bodies_reach_the_application_under_the_"
            "production_server[multipart/form-data]",
            True,
        ),
        ("tests/api/test_errors.py::test_a", "tests/api/test_errors.py::test_b", False),
    ],
)
def test_a_serving_module_is_one_unit_of_work_and_any_other_test_its_own(first, second, together):
    scheduler = ServingModulesOnOneWorker.__new__(ServingModulesOnOneWorker)
    scopes = {scheduler._split_scope(first), scheduler._split_scope(second)}
    assert (len(scopes) == 1) is together
