"""The arithmetic of a 观摩评比, pure (no database, no Flask), so the rules
read in one place and are tested alone:

- a reviewer's score of a project is the weighted average of their
  criterion scores, Σ(weight × score) ÷ Σ weight — the weights need not add
  up to 100, the result stays on the 0–100 scale. A reviewer who has not
  scored every criterion has no score for that project (an unfinished sheet
  neither lowers nor raises it);
- a project's score is the plain average of its reviewers' scores; with
  `drop_extremes` and at least 3 reviewer scores the single highest and the
  single lowest are left out first (去掉一个最高分、一个最低分);
- a department's score is the average of the scores of its projects visited
  (those that got a score);
- scores are shown and compared at 2 decimals (`rounded`), so the ranking
  agrees with what is printed: equal printed scores share a rank and the
  next rank skips (competition ranking 1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

CENT = Decimal("0.01")
MIN_FOR_DROPPING = 3

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def rounded(value: Decimal) -> Decimal:
    """A score as printed: 2 decimals, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def plain(value: Decimal) -> str:
    """A weight as written: 30, 12.5 (never 3E+1 or 30.00)."""
    return f"{value.normalize():f}"


def reviewer_score(scores: Mapping[int, Decimal], weights: Mapping[int, Decimal]) -> Decimal | None:
    """The weighted average of one reviewer's criterion scores ({criterion
    id: score}) under `weights` ({criterion id: weight}); None when a
    criterion is unscored or the sheet is empty."""
    if not weights or any(cid not in scores for cid in weights):
        return None
    total_weight = sum(weights.values(), Decimal(0))
    if total_weight <= 0:
        return None
    return sum((weights[cid] * scores[cid] for cid in weights), Decimal(0)) / total_weight


@dataclass(frozen=True)
class ProjectScore:
    score: Decimal | None  # None: no reviewer has finished this project
    reviewers: int  # complete reviewer scores
    counted: int  # after dropping the extremes
    dropped: tuple[Decimal, ...] = ()  # (highest, lowest) when dropped


def project_score(reviewer_scores: Iterable[Decimal], *, drop_extremes: bool) -> ProjectScore:
    """The average of the reviewers' scores, without the single highest and
    lowest when `drop_extremes` and there are at least 3."""
    values = sorted(reviewer_scores)
    if not values:
        return ProjectScore(None, 0, 0)
    dropped: tuple[Decimal, ...] = ()
    counted = values
    if drop_extremes and len(values) >= MIN_FOR_DROPPING:
        dropped = (values[-1], values[0])
        counted = values[1:-1]
    return ProjectScore(sum(counted, Decimal(0)) / len(counted), len(values), len(counted), dropped)


def average(values: Sequence[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def department_scores(project_scores: Iterable[tuple[K, Decimal | None]]) -> dict[K, Decimal]:
    """{department: average of its scored projects} from (department,
    project score) pairs; a department whose projects all lack a score is
    left out."""
    grouped: dict[K, list[Decimal]] = {}
    for department, score in project_scores:
        if score is not None:
            grouped.setdefault(department, []).append(score)
    return {department: average(values) for department, values in grouped.items()}  # type: ignore[misc]


def ranks(items: Sequence[T], score: Callable[[T], Decimal | None]) -> list[tuple[int | None, T]]:
    """The items ordered best first with their competition rank (1, 2, 2,
    4) by the score as printed; items without a score come last, unranked.
    The order among equals is the input order (stable)."""
    scored = [item for item in items if score(item) is not None]
    scored.sort(key=lambda item: -rounded(score(item)))  # type: ignore[arg-type]
    result: list[tuple[int | None, T]] = []
    previous: Decimal | None = None
    rank = 0
    for position, item in enumerate(scored, start=1):
        value = rounded(score(item))  # type: ignore[arg-type]
        if value != previous:
            rank, previous = position, value
        result.append((rank, item))
    result.extend((None, item) for item in items if score(item) is None)
    return result
