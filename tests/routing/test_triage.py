from routing.triage import guess_category, keywords_for

KEYWORDS = {
    "vpn": "network",
    "wifi": "network",
    "password": "access",
    "sap": "application",
    "out of office": "email",
}


def test_keywords_vote_title_counts_twice():
    assert guess_category("VPN is slow", "", KEYWORDS) == "network"
    assert guess_category("Password reset", "the vpn, wifi and vpn", KEYWORDS) == "network"
    assert guess_category("Password reset", "the vpn works", KEYWORDS) == "access"


def test_whole_words_and_phrases_only():
    assert guess_category("Sapphire ring", "", KEYWORDS) == ""
    assert guess_category("Set my out of office", "", KEYWORDS) == "email"


def test_ties_are_stable_and_empty_map_guesses_nothing():
    assert guess_category("sap vpn", "", KEYWORDS) == "application"
    assert guess_category("vpn", "", {}) == ""


def test_keywords_of_a_category():
    assert keywords_for("Network", KEYWORDS) == ("vpn", "wifi")
