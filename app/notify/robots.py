"""What each channel kind is sent, and the sending: 企业微信 group robot
({"msgtype": "text", "text": {"content": …}}), 钉钉 custom robot (the same
shape; with a signing secret the URL carries timestamp and the base64
HMAC-SHA256 sign of "timestamp\\nsecret"), a generic JSON webhook, and
e-mail over SMTP. Messages are short text with a link; a failure raises
`DeliveryError` with a short reason for the outbox."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import smtplib
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from typing import Any

from flask import current_app

from app.models import ChannelKind, NotifyChannel

TIMEOUT_SECONDS = 10


class DeliveryError(Exception):
    """A delivery that did not go through (retried later)."""


def setting(name: str, default: Any) -> Any:
    return current_app.config.get(name, default)


def link(path: str | None) -> str:
    """An absolute link when NOTIFY_BASE_URL is set (robots open it from a phone)."""
    if not path:
        return ""
    base = (setting("NOTIFY_BASE_URL", "") or "").rstrip("/")
    return base + path


def content(payload: dict[str, Any]) -> str:
    """The message text: 【title】text, then the link."""
    lines = [f"【{payload.get('title', '')}】{payload.get('text', '')}"]
    url = link(payload.get("path"))
    if url:
        lines.append(url)
    return "\n".join(lines)


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 加签: base64(HMAC-SHA256(secret, "timestamp\\nsecret"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request_for(channel: NotifyChannel, payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(URL, JSON body) for a robot or webhook channel."""
    text = content(payload)
    if channel.kind is ChannelKind.WEBHOOK:
        return channel.target, {
            "title": payload.get("title"),
            "text": payload.get("text"),
            "url": link(payload.get("path")) or None,
            "kind": payload.get("kind"),
        }
    body = {"msgtype": "text", "text": {"content": text}}
    url = channel.target
    if channel.kind is ChannelKind.DINGTALK and channel.secret:
        stamp = int(time.time() * 1000)
        sign = urllib.parse.quote_plus(dingtalk_sign(channel.secret, stamp))
        url = f"{url}{'&' if '?' in url else '?'}timestamp={stamp}&sign={sign}"
    return url, body


def _post(url: str, body: dict[str, Any]) -> bytes:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DeliveryError("地址须以 http:// 或 https:// 开头")
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    req = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (scheme checked above)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"连接失败：{getattr(exc, 'reason', exc)}") from None


def _check_robot_answer(raw: bytes) -> None:
    """企业微信 and 钉钉 answer 200 with {"errcode": 0} on success."""
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        raise DeliveryError("机器人返回的不是 JSON") from None
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {answer.get('errcode')}: {str(answer.get('errmsg', ''))[:200]}")


def send_email(address: str, payload: dict[str, Any]) -> None:
    host = setting("NOTIFY_SMTP_HOST", "")
    if not host:
        raise DeliveryError("未配置邮件服务器（NOTIFY_SMTP_HOST）")
    message = EmailMessage()
    message["Subject"] = f"【招商线索管理系统】{payload.get('title', '')}"
    message["From"] = setting("NOTIFY_SMTP_FROM", "noreply@localhost")
    message["To"] = address
    message.set_content(content(payload))
    try:
        with smtplib.SMTP(host, int(setting("NOTIFY_SMTP_PORT", 25)), timeout=TIMEOUT_SECONDS) as smtp:
            if setting("NOTIFY_SMTP_STARTTLS", False):
                smtp.starttls()
            user = setting("NOTIFY_SMTP_USER", "")
            if user:
                smtp.login(user, setting("NOTIFY_SMTP_PASSWORD", ""))
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(f"邮件发送失败：{exc}"[:300]) from None


def deliver(channel: NotifyChannel, payload: dict[str, Any]) -> None:
    """Send `payload` to `channel`, or raise DeliveryError."""
    if channel.kind is ChannelKind.EMAIL:
        send_email(channel.target, payload)
        return
    url, body = request_for(channel, payload)
    raw = _post(url, body)
    if channel.kind is not ChannelKind.WEBHOOK:
        _check_robot_answer(raw)
