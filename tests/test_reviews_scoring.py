"""The arithmetic of a 观摩评比 (app/reviews/scoring.py): weighted criterion
scores, the average of reviewers with the highest and lowest dropped when
asked (and only from 3 reviewers), departments from their projects, and
competition ranks 1, 2, 2, 4 on the printed (2-decimal) scores; unfinished
sheets and unscored projects count for nothing."""

from __future__ import annotations

from decimal import Decimal as D  # noqa: N817 - short in the tables below

import pytest

from app.reviews import scoring

WEIGHTS = {1: D("30"), 2: D("30"), 3: D("20"), 4: D("20")}


def test_a_reviewers_score_is_the_weighted_average_of_the_criteria():
    scores = {1: D("90"), 2: D("80"), 3: D("70"), 4: D("60")}
    # (30·90 + 30·80 + 20·70 + 20·60) / 100
    assert scoring.reviewer_score(scores, WEIGHTS) == D("77")


def test_weights_need_not_add_up_to_100():
    assert scoring.reviewer_score({1: D("90"), 2: D("60")}, {1: D("3"), 2: D("1")}) == D("82.5")
    assert scoring.reviewer_score({1: D("90"), 2: D("60")}, {1: D("1"), 2: D("1")}) == D("75")


def test_an_unfinished_sheet_has_no_score():
    assert scoring.reviewer_score({1: D("90"), 2: D("80"), 3: D("70")}, WEIGHTS) is None
    assert scoring.reviewer_score({}, {}) is None


def test_a_project_score_is_the_average_of_its_reviewers():
    result = scoring.project_score([D("80"), D("90"), D("70")], drop_extremes=False)
    assert (result.score, result.reviewers, result.counted, result.dropped) == (D("80"), 3, 3, ())


def test_dropping_the_single_highest_and_lowest():
    result = scoring.project_score([D("95"), D("80"), D("82"), D("60"), D("81")], drop_extremes=True)
    assert result.score == D("81")  # (80 + 82 + 81) / 3
    assert result.dropped == (D("95"), D("60"))
    assert (result.reviewers, result.counted) == (5, 3)


def test_dropping_removes_one_of_each_even_when_equal():
    result = scoring.project_score([D("90"), D("90"), D("70"), D("70")], drop_extremes=True)
    assert result.score == D("80")
    assert result.counted == 2


def test_fewer_than_three_reviewers_are_never_dropped():
    result = scoring.project_score([D("90"), D("70")], drop_extremes=True)
    assert (result.score, result.counted, result.dropped) == (D("80"), 2, ())


def test_a_project_nobody_finished_has_no_score():
    assert scoring.project_score([], drop_extremes=True).score is None


def test_a_department_averages_its_scored_projects():
    pairs = [("东城", D("80")), ("东城", D("90")), ("西城", D("70")), ("西城", None), ("南城", None)]
    assert scoring.department_scores(pairs) == {"东城": D("85"), "西城": D("70")}


def test_ties_share_a_rank_and_the_next_rank_skips():
    items = [("甲", D("90")), ("乙", D("85")), ("丙", D("85")), ("丁", D("80")), ("戊", None)]
    ranked = scoring.ranks(items, lambda item: item[1])
    assert [(rank, name) for rank, (name, _score) in ranked] == [
        (1, "甲"),
        (2, "乙"),
        (2, "丙"),
        (4, "丁"),
        (None, "戊"),
    ]


def test_ties_are_judged_on_the_printed_score():
    # 85.333… and 85.3349 both print 85.33: the same rank; 85.335 prints 85.34
    items = [("甲", D(256) / 3), ("乙", D("85.3349")), ("丙", D("85.335"))]
    ranked = scoring.ranks(items, lambda item: item[1])
    assert [(rank, name) for rank, (name, _score) in ranked] == [(1, "丙"), (2, "甲"), (2, "乙")]


@pytest.mark.parametrize(("value", "printed"), [(D("80.005"), "80.01"), (D(245) / 3, "81.67"), (D("77"), "77.00")])
def test_scores_print_with_two_decimals(value, printed):
    assert str(scoring.rounded(value)) == printed


def test_a_whole_event_end_to_end():
    """Three reviewers, two projects, drop extremes: weights, then dropping,
    then departments and ranks."""
    weights = {1: D("60"), 2: D("40")}
    sheets = {
        "产业园": [{1: D("90"), 2: D("80")}, {1: D("70"), 2: D("70")}, {1: D("100"), 2: D("100")}],
        "物流港": [{1: D("85"), 2: D("85")}, {1: D("80"), 2: D("90")}, {1: D("86")}],  # the last unfinished
    }
    projects = {
        name: scoring.project_score(
            [s for sheet in reviewer_sheets if (s := scoring.reviewer_score(sheet, weights)) is not None],
            drop_extremes=True,
        )
        for name, reviewer_sheets in sheets.items()
    }
    # 产业园: 86, 70, 100 → drop 100 and 70 → 86; 物流港: 85, 84 (two finished: nothing dropped) → 84.5
    assert projects["产业园"].score == D("86")
    assert projects["物流港"].score == D("84.5")
    assert projects["物流港"].reviewers == 2
    ranked = scoring.ranks(list(projects.items()), lambda item: item[1].score)
    assert [(rank, name) for rank, (name, _p) in ranked] == [(1, "产业园"), (2, "物流港")]
