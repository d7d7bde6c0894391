"""Search text for names: the lower-cased name, its pinyin initials and its
full pinyin, stored in an indexed `search_text` column so that typing `hrzy`
or `huarun` finds 华润置业 with one LIKE over one column."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.simpleseg import simple_seg


def search_text(*names: str | None) -> str:
    """'name initials fullpinyin' for each name, lower-case, NFKC."""
    parts: list[str] = []
    for name in names:
        if not name:
            continue
        plain = unicodedata.normalize("NFKC", name).lower()
        compact = "".join(plain.split())
        initials, full = _pinyin(compact)
        parts.extend([compact, initials, full])
    return " ".join(dict.fromkeys(p for p in parts if p))[:1000]


def _pinyin(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of `text` as `lazy_pinyin` gives them in the
    FIRST_LETTER and NORMAL styles, from one conversion of the Han
    characters instead of two (a ledger import names thousands of new
    companies): pypinyin converts each run of Han characters apart from the
    text around it, and a character's first letter is the first letter of
    its normal pinyin."""
    initials: list[str] = []
    full: list[str] = []
    for run in simple_seg(text):
        if RE_HANS.match(run):
            syllables = lazy_pinyin(run, errors="default")
            full.extend(syllables)
            initials.extend(syllable[:1] for syllable in syllables)
        else:
            initials.extend(lazy_pinyin(run, style=Style.FIRST_LETTER, errors="default"))
            full.extend(lazy_pinyin(run, errors="default"))
    return "".join(initials), "".join(full)


def keyword_condition(
    column: sa.ColumnElement[str], keyword: str, *, ignore_case: bool = False
) -> sa.ColumnElement[bool]:
    """Every whitespace-separated term of `keyword` occurs in `column`
    (LIKE metacharacters in the keyword are escaped). `ignore_case` for a
    column that is not stored lower-case: ILIKE, which PostgreSQL's trigram
    indexes serve (where `lower(column) LIKE` would read every row)."""
    # NUL never matches anything, and PostgreSQL refuses it in text.
    terms = unicodedata.normalize("NFKC", keyword.replace("\x00", "")).lower().split()
    conditions = []
    for term in terms[:5]:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = column.ilike if ignore_case else column.like
        conditions.append(like(f"%{escaped}%", escape="\\"))
    return sa.and_(*conditions) if conditions else sa.true()
