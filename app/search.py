"""Search text for names: the lower-cased name, its pinyin initials and its
full pinyin, stored in an indexed `search_text` column so that typing `hrzy`
or `huarun` finds 华润置业 with one LIKE over one column."""

from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from pypinyin import Style, lazy_pinyin


def search_text(*names: str | None) -> str:
    """'name initials fullpinyin' for each name, lower-case, NFKC."""
    parts: list[str] = []
    for name in names:
        if not name:
            continue
        plain = unicodedata.normalize("NFKC", name).lower()
        compact = "".join(plain.split())
        initials = "".join(lazy_pinyin(compact, style=Style.FIRST_LETTER, errors="default"))
        full = "".join(lazy_pinyin(compact, errors="default"))
        parts.extend([compact, initials, full])
    return " ".join(dict.fromkeys(p for p in parts if p))[:1000]


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
