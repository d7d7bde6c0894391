"""The monthly investment ledger (投资月报台账) as a file: the month's key
projects the viewer may see, in the shape offices keep and the monthly
import reads back. Importing it is the 「投资月报导入」 of the import pages
(`app/imports/investments.py`)."""

from __future__ import annotations

from flask import request
from flask_babel import force_locale
from flask_login import current_user, login_required

from app.delivery import bp, exports
from app.delivery.queries import MonthFilters
from app.params import Params


@bp.route("/investments/export.xlsx")
@login_required
def investments_export():
    """The list's filters (?month=YYYY-MM …) → 重点项目投资月报-YYYY-MM.xlsx;
    a filter that cannot be read → 400 naming it."""
    params = Params(request.args)
    filters = MonthFilters.read(params)
    params.refuse_errors()
    # The ledger is the office's Chinese form, whatever the page's language:
    # the monthly import reads its Chinese title and headers back.
    with force_locale("zh_CN"):
        return exports.ledger_export(filters, current_user)
