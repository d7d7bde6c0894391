"""`flask notify-worker` (deliver the outbox and, once a day, bring the kept
status lights to the new day — `app.facts`; run beside gunicorn, see the
README) and `flask notify-scan` (the day's timed notifications and digest).
CLI commands commit themselves: there is no request."""

from __future__ import annotations

import datetime as dt
import time

import click
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from app import clock, facts
from app.db import db
from app.notify import scan, worker


def register(app: Flask) -> None:
    app.cli.add_command(notify_worker)
    app.cli.add_command(notify_scan)


def run_scan(day: dt.date) -> dict[str, int]:
    """The day's scan, committed; a scan another worker ran at the same
    moment (a duplicate key) is rolled back and counts as done."""
    try:
        counts = scan.run(day)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return {}
    return dict(counts)


@click.command("notify-scan")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), help="默认今天（APP_TIMEZONE）。")
def notify_scan(day: dt.datetime | None) -> None:
    """写入当天的定时提醒（线索时限、节点、月报、红灯、周报）和每日摘要；同一天重复执行不会重复。"""
    counts = run_scan(day.date() if day else clock.today())
    click.echo("；".join(f"{k} {v}" for k, v in sorted(counts.items()) if v) or "无新提醒")


@click.command("notify-worker")
@click.option("--once", is_flag=True, help="发送一轮后退出。")
@click.option("--interval", default=10, show_default=True, help="两轮之间的秒数。")
@click.option("--scan-hour", default=8, show_default=True, help="每天几点后执行一次定时提醒扫描（-1 不扫描）。")
def notify_worker(once: bool, interval: int, scan_hour: int) -> None:
    """发送待发的机器人/邮件消息（失败重试）；每天一次执行定时提醒扫描；每天零点后重算项目红黄绿灯。"""
    scanned: dt.date | None = None
    lit: dt.date | None = None
    while True:
        sent = failed = 0
        try:
            today = clock.today()
            if lit != today:  # the status lights also move with the calendar
                facts.refresh_lights(db.session.connection())
                db.session.commit()
                lit = today
            if scan_hour >= 0 and scanned != today and clock.now().hour >= scan_hour:
                run_scan(today)
                scanned = today
            sent, failed = worker.run_once()
        except Exception:  # a database hiccup: log it and try again next round
            if once:
                raise
            current_app.logger.exception("notify-worker round failed")
        finally:
            db.session.remove()
        if once:
            click.echo(f"已发送 {sent} 条，失败 {failed} 次")
            return
        time.sleep(interval)
