import pytest

from tickets.priority import derive_priority, parse_level, priority_score


def score(priority: str, tier: str) -> float:
    return priority_score(priority=priority, tier=tier, status="new")


@pytest.mark.parametrize(
    ("urgency", "impact", "expected"),
    [
        ("1", "1", "critical"),
        ("1", "2", "high"),
        ("2", "1", "high"),
        ("2", "2", "medium"),
        ("1", "3", "medium"),
        ("3", "1", "medium"),
        ("2", "3", "low"),
        ("3", "3", "low"),
        ("5", "5", "low"),
        (1, 1, "critical"),
        ("", "", "low"),  # both default to 3
        ("x", "1", "medium"),  # unreadable urgency counts as 3
        ("9", "1", "medium"),  # out of range counts as 3
    ],
)
def test_itil_matrix(urgency, impact, expected):
    assert derive_priority(urgency, impact) == expected


def test_parse_level_rejects_out_of_range_and_junk():
    assert parse_level(" 2 ") == 2
    assert parse_level("0") is None
    assert parse_level(None) is None
    assert parse_level("1.5") is None


def test_priority_score_orders_priority_then_tier():
    assert score("critical", "premium") > score("high", "vip")
    # The VIP factor (x1.5) lifts a VIP's high ticket just above a standard critical one.
    assert score("high", "vip") > score("critical", "standard")
    assert score("critical", "standard") > score("high", "premium")
    assert score("high", "vip") > score("high", "premium")
    assert score("high", "premium") > score("high", "standard")
