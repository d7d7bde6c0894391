"""Target pages (filled below)."""

from app.chains import bp  # noqa: F401
