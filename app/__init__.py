"""The application factory: `create_app()` builds the app in small
`register_*` steps (extensions, blueprints, errors, CLI, request hooks)."""

from __future__ import annotations

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, ProductionConfig, config_from_env

# Feature packages, each exposing `bp`; registered in this order.
BLUEPRINTS = (
    "app.main",
    "app.auth",
    "app.admin",
    "app.leads",
    "app.companies",
    "app.projects",
    "app.problems",
    "app.inspections",
    "app.agreements",
    "app.delivery",
    "app.approvals",
    "app.activities",
    "app.chains",
    "app.reviews",
    "app.reports",
    "app.imports",
    "app.notifications",
    "app.api",
)


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the Flask app for `config_class` (default: from APP_ENV)."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.validate()

    app = Flask(
        __name__,
        template_folder="../templates",
        instance_path=os.path.join(os.path.dirname(os.path.dirname(__file__)), "instance"),
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # the client's address and scheme as the reverse proxy saw them
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    register_extensions(app)
    register_blueprints(app)
    register_errors(app)
    register_hooks(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import i18n
    from app.auth import sessions
    from app.db import db, enable_sqlite_pragmas
    from app.extensions import babel, csrf, login_manager, migrate

    db.init_app(app)
    with app.app_context():
        enable_sqlite_pragmas(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(os.path.dirname(__file__)), "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    sessions.init_login(app, login_manager)


def register_blueprints(app: Flask) -> None:
    for module_name in BLUEPRINTS:
        module = importlib.import_module(module_name)
        app.register_blueprint(module.bp)


def register_errors(app: Flask) -> None:
    from app import errors

    errors.register(app)


def register_hooks(app: Flask) -> None:
    from app import security, templating

    security.register(app)
    templating.register(app)


def register_cli(app: Flask) -> None:
    from app import cli

    cli.register(app)
