"""Look-alike companies for a whole file at once (the ledger imports).

`find_matches` asks the database once per typed name, which is right for a
form and far too slow for 10,000 rows. `LookalikeIndex` reads the live
companies once (id, name and the stored normalized name: no normalizing per
company), indexes them by the core of their name and by its distinctive
bigrams, and scores only the candidates that share one — the same score and
threshold as the form (app/companies/names.py).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.companies.names import FUZZY_THRESHOLD, NameKey, lookalike_note, search_bigrams, similarity
from app.models import Company

# A bigram shared by more companies than this narrows nothing: skipped.
CROWDED = 1000
# At most this many candidates are scored per name: those sharing the most
# bigrams with it (a look-alike shares most of them).
SCORED = 40


@dataclass(frozen=True)
class Lookalike:
    company_id: int
    name: str
    score: int
    note: str

    @property
    def text(self) -> str:
        """'名称相近：企业库已有「…」（公司类型不同（…））' for the preview."""
        why = self.note or f"相似度 {self.score}%"
        return f"名称相近：企业库已有「{self.name}」（{why}）"


class LookalikeIndex:
    def __init__(self, companies: list[tuple[int, str, str]]) -> None:
        self._keys: dict[int, tuple[str, NameKey]] = {}
        self._by_core: dict[str, list[int]] = defaultdict(list)
        self._by_gram: dict[str, list[int]] = defaultdict(list)
        for company_id, name, normalized in companies:
            key = NameKey.of(name, normalized)
            self._keys[company_id] = (name, key)
            self._by_core[key.core].append(company_id)
            for gram in search_bigrams(key.core):
                self._by_gram[gram].append(company_id)

    @classmethod
    def load(cls, session: Session) -> LookalikeIndex:
        """Every live company, in one query."""
        rows = session.execute(
            sa.select(Company.id, Company.name, Company.normalized_name).where(
                Company.merged_into_id.is_(None), Company.archived_at.is_(None)
            )
        )
        return cls([(row.id, row.name, row.normalized_name) for row in rows])

    def find(self, name: str, limit: int = 3) -> list[Lookalike]:
        """Companies whose names look like `name` but are not the same name
        (an exact match is the caller's), best first."""
        key = NameKey.of(name)
        if not key.core:
            return []
        shared: Counter[int] = Counter()
        for gram in search_bigrams(key.core):
            ids = self._by_gram.get(gram, ())
            if len(ids) <= CROWDED:
                shared.update(ids)
        # `shared.most_common(SCORED)`, which is this sort (stable, ties in
        # order of first sight) done in Python a step at a time: a third of
        # the time of a ledger's look-alike check.
        best = sorted(shared.items(), key=itemgetter(1), reverse=True)[:SCORED]
        candidates = {company_id for company_id, _count in best}
        candidates.update(self._by_core.get(key.core, ()))
        found = []
        for company_id in candidates:
            other_name, other = self._keys[company_id]
            if other.normalized == key.normalized:
                continue
            score = similarity(key, other)
            if score >= FUZZY_THRESHOLD:
                found.append(Lookalike(company_id, other_name, score, lookalike_note(key, other)))
        found.sort(key=lambda item: (-item.score, item.company_id))
        return found[:limit]
