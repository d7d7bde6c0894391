"""Command-line tasks: create-admin, seed-reference, seed-demo."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask, current_app

from app.db import db
from app.models import Lead, Role, User


def register(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_reference)
    app.cli.add_command(seed_demo)


@click.command("create-admin")
@click.option("--username", prompt="用户名", help="Sign-in name of the new admin.")
@click.option("--name", prompt="姓名", help="Display name.")
@click.option("--password", prompt="密码", hide_input=True, confirmation_prompt=True, help="Password.")
def create_admin(username: str, name: str, password: str) -> None:
    """创建管理员账号 (create an admin account)."""
    from app.admin.services import AdminError, create_user
    from app.reference import ensure_reference_data

    ensure_reference_data()
    try:
        user = create_user({"username": username, "name": name, "role": Role.ADMIN.value, "scope": "all"}, password)
    except AdminError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(f"已创建管理员 {user.username}")


@click.command("seed-reference")
def seed_reference() -> None:
    """写入基础数据（招商方式、产业类别等），可重复执行。"""
    from app.reference import ensure_reference_data

    added = ensure_reference_data()
    db.session.commit()
    click.echo(f"基础数据：新增 {added} 项")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no leads and no users yet.")
def seed_demo(if_empty: bool) -> None:
    """生成演示数据（示范区），重复执行不会重复生成。"""
    from app import demo

    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("生产环境不允许生成演示数据。")
    if if_empty and (
        db.session.scalar(sa.select(sa.func.count(User.id))) or db.session.scalar(sa.select(sa.func.count(Lead.id)))
    ):
        click.echo("数据库已有数据，跳过演示数据。")
        return
    for summary in demo.run_all():
        click.echo(summary)
    db.session.commit()
    click.echo("演示数据已就绪。")
