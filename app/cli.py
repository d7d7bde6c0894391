"""Command-line tasks: create-admin, seed-reference, seed-demo, backup, restore
(and, registered from their modules, notify-* and facts rebuild)."""

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
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    from app.notify import cli as notify_cli

    notify_cli.register(app)
    from app import facts  # also keeps the report facts with every flush

    facts.register(app)


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


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup(target: str) -> None:
    """一致性备份数据库到 TARGET（SQLite 在线备份；PostgreSQL 给出 pg_dump 命令）。"""
    from app.backup import BackupError, backup_to

    try:
        size = backup_to(target)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已备份到 {target}（{size:,} 字节）")


@click.command("restore")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm replacing the current database.")
def restore(source: str, yes: bool) -> None:
    """用备份文件 SOURCE 替换当前数据库（会覆盖现有数据）。"""
    from app.backup import BackupError, restore_from

    if not yes:
        click.confirm("恢复将覆盖当前数据库中的全部数据，确定继续吗？", abort=True)
    try:
        restore_from(source)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"已从 {source} 恢复。")
