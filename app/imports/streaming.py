"""The import's one unit of work that `app.views.attempt` cannot run: the
commit page streams progress while the rows are written, so the writing is a
generator the page advances step by step, and `attempt` (which calls one
function to its end) would hold every line of progress back until the end.

`commit_streaming` keeps attempt's contract — the whole file is one
transaction, committed only after the last row; a refusal (`Refusal`: a row
the services refuse, a file that no longer reads) rolls everything back —
and reports the end as an `Outcome` instead of raising, because by then the
page's 200 and its first lines are already sent: an unexpected error is
logged and rolled back, and the page says nothing was imported."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import current_app

from app.db import db
from app.imports.service import iter_commit_batch
from app.models import ImportBatch, User
from app.refusals import Refusal
from app.views import Outcome


def commit_streaming(
    batch: ImportBatch, actor: User, *, confirmed: bool = False, reason: str = ""
) -> Iterator[tuple[int, int] | Outcome]:
    """Yield (rows done, total) while writing `batch`, then one Outcome:
    ok with the counts ({"created", "updated"}) after the commit, or failed
    (with the refusal, or none for an unexpected error) after the rollback."""
    counts: dict[str, Any] = {}
    try:
        yield from iter_commit_batch(batch, actor, counts, confirmed=confirmed, reason=reason)
        db.session.commit()
    except Refusal as exc:
        db.session.rollback()
        yield Outcome(False, refusal=exc)
        return
    except Exception:
        db.session.rollback()
        current_app.logger.exception("import %s failed", batch.id)
        _tell_admins(batch, actor)
        yield Outcome(False)
        return
    yield Outcome(True, counts)


def _tell_admins(batch: ImportBatch, actor: User) -> None:
    """The failure is reported to admin in a transaction of its own (the
    import's was rolled back); a failure to report never hides the import's."""
    from app.notify import events

    try:
        events.import_failed(db.session.get(ImportBatch, batch.id) or batch, actor)
        db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("import %s: failure notification not written", batch.id)
