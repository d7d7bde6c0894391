"""企业库（companies）: one record per company, the duplicate guard and 撞单.

- routes.py — the company list, a company's page, create/edit, the look-up and
  check fragments of the lead form, 撞单 conflicts and their ruling, merging.
- services.py — the record, the duplicate finder, followers; names.py —
  normalised names and the fuzzy score; credit_code.py — GB 32100-2015;
  conflicts.py — 首报 and 撞单; merge.py — merging two records.
- forms.py, fields.py — WTForms and the fields the lead form shares.
Permissions: app/permissions/companies.py."""

from flask import Blueprint

bp = Blueprint("companies", __name__, url_prefix="/companies")

from app.companies import routes  # noqa: E402,F401
