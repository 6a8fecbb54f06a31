"""bench/http_cases.py's paced cases: creates sent at a set rate whatever the answers' pace, the
cases that compare the configurations at the rates they sustain (pure: no server, no wrk)."""

import pytest

from bench.http_cases import CASES, PACED_CLIENTS, Target, lua_script, select


def test_the_fixed_cases_come_first_in_their_order_then_the_paced_ones_as_named():
    cases = select("webhook-r150,create-1,list,create-r80")
    assert [case.key for case in cases] == ["list", "create-1", "webhook-r150", "create-r80"]
    paced = {case.key: case for case in cases if case.pace}
    assert paced["create-r80"].pace == 80 and paced["create-r80"].creates
    assert paced["create-r80"].clients == PACED_CLIENTS
    assert paced["webhook-r150"].label.endswith("paced at 150/s")


def test_no_key_selects_every_fixed_case_and_no_paced_one():
    assert select("") == CASES


@pytest.mark.parametrize("key", ["create-r0", "create-rfast", "list-r10", "upload-r5"])
def test_a_key_that_names_no_case_is_refused(key):
    with pytest.raises(SystemExit, match="unknown case"):
        select(key)


def test_a_paced_script_spaces_its_requests_by_the_interval_and_a_fixed_one_does_not():
    target = Target(name="project", base="http://127.0.0.1:1", detail_ids=["x"])
    paced, _ = lua_script(target, select("webhook-r125")[0], "run-1")
    assert "delay = function()" in paced and "local interval = 8.0000" in paced
    assert "/api/v1/webhooks/ticket" in paced
    fixed, _ = lua_script(target, select("webhook-4")[0], "run-1")
    assert "delay" not in fixed
