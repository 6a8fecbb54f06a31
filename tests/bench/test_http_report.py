"""The HTTP benchmark's report and request scripts (bench/http_report.py, bench/http_cases.py):
pure logic, no server and no network. The helpdesk column and the creates-against-helpdesk
table appear only when helpdesk ran, and the ratios say "-" rather than divide by nothing."""

from bench.http_cases import CASES, Target, lua_script, read_path
from bench.http_measure import Result
from bench.http_report import (
    case_table,
    helpdesk_table,
    latency,
    median_runs,
    ratio,
    rounds_table,
)

CASE = {case.key: case for case in CASES}


def _result(app: str, key: str, rps: float, *, alone: bool = False) -> Result:
    return Result(
        app=app,
        case=CASE[key],
        rps=rps,
        p50=1000 / rps if rps else 0.0,
        p95=2000 / rps if rps else 0.0,
        requests=int(rps * 3),
        failures=0,
        cpu_ms={"web": 10.0, "postgres": 2.0},
        alone=alone,
    )


def test_ratio_is_a_dash_when_a_side_is_missing_or_zero():
    assert ratio(60.0, 20.0) == "3.00"
    assert ratio(60.0, None) == "-"
    assert ratio(60.0, 0.0) == "-"
    assert ratio(0.0, 20.0) == "-"


def test_the_table_has_helpdesk_columns_only_when_helpdesk_ran():
    two = [_result("floor", "create-4", 200.0), _result("project", "create-4", 50.0)]
    assert "helpdesk" not in case_table(two)[0]
    three = [*two, _result("helpdesk", "create-4", 20.0)]
    head, _, row = case_table(three)
    assert "| floor req/s | helpdesk req/s | project req/s |" in head
    assert "| project/floor req/s | project/helpdesk req/s |" in head
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:7] == ["200.0", "20.0", "50.0", "0.25", "2.50"]
    assert len(cells) == len(head.strip("|").split("|"))


def test_a_case_the_floor_lacks_shows_dashes_for_it():
    rows = case_table([_result("helpdesk", "page", 5.0), _result("project", "page", 10.0)])
    cells = [cell.strip() for cell in rows[2].strip("|").split("|")]
    assert cells[2:7] == ["-", "5.0", "10.0", "-", "2.00"]
    assert cells[-1] == "- / 0 / 0"


def test_a_read_timed_alone_says_so():
    assert latency(_result("helpdesk", "list", 0.5, alone=True)) == "2000 (one request)"
    assert latency(None) == "-"


def test_creates_against_helpdesk_are_met_at_twice_its_rate():
    results = {
        "embedded": [
            _result("helpdesk", "create-4", 20.0),
            _result("project", "create-4", 40.0),
            _result("helpdesk", "create-1", 20.0),
            _result("project", "create-1", 39.95),
            _result("helpdesk", "list", 1.0),  # reads are not in this table
            _result("project", "list", 30.0),
        ]
    }
    rows = helpdesk_table(results)
    assert len(rows) == 4
    assert rows[2].endswith("| 2.00 | met |")
    assert rows[3].endswith("| 2.00 | missed |")  # 1.9975 prints as 2.00, yet is short
    assert helpdesk_table({"embedded": results["embedded"][4:]}) == []


def test_helpdesk_is_asked_at_its_own_paths_with_its_queues():
    helpdesk = Target(
        name="helpdesk",
        base="http://127.0.0.1:1",
        detail_ids=["7"],
        kind="helpdesk",
        api="/api/tickets/",
        status_filter="status=1",
        headers={"Authorization": "Token t"},
        queues=[3, 4],
    )
    script, headers = lua_script(helpdesk, CASE["create-4"], "run")
    assert '"/api/tickets/"' in script
    assert 'local queues = {"3", "4"}' in script
    assert '\\"queue\\": \\"@Q@\\"' in script
    assert headers == {"Authorization": "Token t", "Content-Type": "application/json"}
    assert read_path(helpdesk, CASE["list-status"]) == "/api/tickets/?status=1"
    assert read_path(helpdesk, CASE["detail"]) == "/api/tickets/7/"
    assert not Target(name="floor", base="", detail_ids=[], kind="floor").supports(CASE["page"])


def test_rounds_give_each_case_and_app_its_median_run():
    rounds = [
        [_result("floor", "create-1", 300.0), _result("project", "create-1", 150.0)],
        [_result("floor", "create-1", 340.0), _result("project", "create-1", 190.0)],
        [_result("floor", "create-1", 320.0), _result("project", "create-1", 120.0)],
    ]
    chosen = median_runs(rounds)
    assert [(r.app, r.rps) for r in chosen] == [("floor", 320.0), ("project", 150.0)]
    # An even count takes the lower of the middle two: the figure is one that was measured.
    assert [r.rps for r in median_runs(rounds[:2])] == [300.0, 150.0]


def test_the_rounds_table_lists_every_round_and_its_own_ratio():
    rounds = {
        "redis": [
            [_result("floor", "create-1", 300.0), _result("project", "create-1", 150.0)],
            [_result("floor", "create-1", 400.0), _result("project", "create-1", 100.0)],
        ]
    }
    head, _, floor, project = rounds_table(rounds)
    assert "req/s in each round" in head
    assert floor.startswith("| redis | create ticket (API) | 1 | floor | 300.0 / 400.0 |")
    assert project.endswith("| project | 150.0 / 100.0 | 0.50 / 0.25 |")
