"""The consensus and divisiveness rule of API.md, at its thresholds."""

from consensus.results import verdict

FOUR = ["elus", "professionnels", "usagers", "benevoles"]


def counts(*cells):
    return dict(zip(FOUR + ["formation", "employeurs"], cells, strict=False))


def test_consensus_needs_four_counting_categories_at_60_percent():
    assert verdict(counts([3, 2, 0], [3, 2, 0], [3, 2, 0], [3, 2, 0]))[0] == "agree"  # 60 %
    assert verdict(counts([3, 2, 0], [3, 2, 0], [3, 2, 0]))[0] == ""  # three categories
    # 59 % in one category breaks it.
    assert verdict(counts([59, 41, 0], [3, 2, 0], [3, 2, 0], [3, 2, 0]))[0] == ""


def test_pass_votes_count_towards_five_but_not_in_the_share():
    # 3 agree, 2 disagree, 5 pass: 10 votes, 60 % of non-pass.
    assert verdict(counts(*[[3, 2, 5]] * 4))[0] == "agree"
    # Four votes in the fourth category: it does not count, three remain.
    assert verdict(counts([3, 2, 0], [3, 2, 0], [3, 2, 0], [4, 0, 0]))[0] == ""


def test_a_small_category_does_not_block_a_consensus():
    # The fifth category has 4 votes against: it does not count.
    cells = counts([5, 0, 0], [5, 0, 0], [5, 0, 0], [5, 0, 0], [0, 4, 0])
    assert verdict(cells)[:2] == ("agree", False)


def test_consensus_against():
    assert verdict(counts(*[[2, 3, 0]] * 4))[0] == "disagree"
    assert verdict(counts(*[[0, 10, 0]] * 5))[0] == "disagree"


def test_only_pass_votes_is_no_consensus():
    assert verdict(counts(*[[0, 0, 6]] * 4)) == ("", False, [])


def test_divisive_at_40_points_names_the_two_categories():
    # usagers 80 % agree, professionnels 40 %: 40 points apart.
    consensus, divisive, pair = verdict({"usagers": [4, 1, 0], "professionnels": [2, 3, 0]})
    assert (consensus, divisive, pair) == ("", True, ["usagers", "professionnels"])
    # 39 points: not divisive.
    assert verdict({"usagers": [80, 20, 0], "professionnels": [41, 59, 0]})[1] is False


def test_divisive_ignores_categories_under_five_votes():
    assert verdict({"usagers": [4, 0, 0], "professionnels": [0, 5, 0]})[1] is False
