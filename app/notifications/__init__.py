"""消息 pages (issue 23): the bell, the inbox, one's mute settings, and for
admin the robot/e-mail channels and the failed deliveries.

- `routes.py`        — inbox, bell (htmx), open (access rechecked), mark read, settings.
- `routes_admin.py`  — channels (list, new, edit, test message), failed deliveries (retry).
- `queries.py`       — the inbox's query-string contract, the unread count, the admin lists.
- `services.py`      — mark read, mutes, channels, retry (audited; flush, never commit).
- `forms.py`         — the channel form.
The core (what is notified, to whom, delivery) lives in `app/notify/`."""

from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from app.notifications import routes, routes_admin  # noqa: E402,F401
