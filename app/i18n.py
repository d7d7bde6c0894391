"""Language selection: Chinese first; English when the user asks for it."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """Locale for this request: ?lang=, then the session, then zh_CN."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI, background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args.get("lang")
    if wanted in languages:
        session["lang"] = wanted
        return wanted
    stored = session.get("lang")
    if stored in languages:
        return stored
    return current_app.config["BABEL_DEFAULT_LOCALE"]
