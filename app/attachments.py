"""File attachments (附件), e.g. the scanned agreement.

What this module owns:
- validation of an upload: a plain file name (no path, no control characters),
  an allowed extension, a size within `ATTACHMENT_MAX_BYTES`, and a content
  type sniffed from the bytes (PDF, JPEG, PNG) that must agree with the
  extension — an .exe renamed to .pdf is refused;
- storage outside the web root under `UPLOAD_DIR`, named by a random key
  (the user's file name is only ever a display name, never part of a path);
- soft delete with an audit entry, and the download response.

Files written in a transaction that does not commit are removed again (a
session hook), so a refused or failed save leaves neither a row nor a file.
Who may download or delete is decided by the owner's feature (e.g. the
agreements area checks the project with `app.permissions`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from typing import IO, Any

import sqlalchemy as sa
from flask import Response, current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from app import audit
from app.db import db, utcnow
from app.models import Attachment, User
from app.refusals import Refusal

# Signatures of the types we accept, and the extensions each may carry.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
EXTENSIONS: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
ACCEPT = ",".join(sorted(EXTENSIONS))  # for <input type=file accept=…>
MAX_NAME_LENGTH = 200
_CHUNK = 64 * 1024
_PENDING_KEY = "attachments_pending_files"


class AttachmentError(Refusal):
    """A refused upload; the message is for the user, shown next to the
    form's file field."""

    def __init__(self, message: str, field: str | None = "file") -> None:
        super().__init__(message, field)


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes, or None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def clean_filename(raw: str | None) -> str:
    """The display name of an upload, or AttachmentError.

    A name that carries a path (`../../x.pdf`, `C:\\x.pdf`, `/etc/x.pdf`) is
    refused rather than silently shortened: the user should know that what
    they picked is not what would be stored."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise AttachmentError(_("请选择要上传的文件。"))
    if "/" in name or "\\" in name or name.startswith(".") or ".." in name:
        raise AttachmentError(_("文件名不能包含路径（如 ../ 或 /），请重命名后再上传。"))
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise AttachmentError(_("文件名含有不可见的控制字符，请重命名后再上传。"))
    if len(name) > MAX_NAME_LENGTH:
        raise AttachmentError(_("文件名过长（最多 %(n)d 个字符），请重命名后再上传。", n=MAX_NAME_LENGTH))
    return name


def expected_type(filename: str) -> str:
    """The content type the extension of `filename` promises, or AttachmentError."""
    ext = os.path.splitext(filename)[1].lower()
    if ext not in EXTENSIONS:
        raise AttachmentError(_("只能上传 PDF、JPG 或 PNG 文件。"))
    return EXTENSIONS[ext]


def max_bytes() -> int:
    return int(current_app.config["ATTACHMENT_MAX_BYTES"])


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def _upload_dir() -> str:
    path = current_app.config["UPLOAD_DIR"]
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def stored_path(stored_key: str) -> str:
    """Where the file of `stored_key` lives. Keys are ours (hex), never a
    user's name; the check below guards against a tampered row."""
    if not re.fullmatch(r"[0-9a-f]{64}", stored_key):
        raise ValueError("bad stored key")
    return os.path.join(_upload_dir(), stored_key[:2], stored_key)


def _copy_limited(stream: IO[bytes], target: IO[bytes], limit: int) -> tuple[int, str, bytes]:
    """Copy at most `limit` bytes; (size, sha256, first bytes). Raises when the
    stream holds more, without reading the rest."""
    digest = hashlib.sha256()
    size, head = 0, b""
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise AttachmentError(
                _("文件过大：附件不能超过 %(limit)s，请压缩或拆分后再上传。", limit=human_size(limit))
            )
        if len(head) < 16:
            head += chunk[: 16 - len(head)]
        digest.update(chunk)
        target.write(chunk)
    return size, digest.hexdigest(), head


def store(owner_type: str, owner_id: int, upload: FileStorage | None, actor: User) -> Attachment:
    """Validate `upload` and store it for the owner record; adds the row and an
    audit entry to the session. Nothing is kept when it is refused, and the
    file is removed again if the transaction does not commit."""
    if upload is None or not upload.filename:
        raise AttachmentError(_("请选择要上传的文件。"))
    filename = clean_filename(upload.filename)
    promised = expected_type(filename)

    directory = _upload_dir()
    handle, tmp_path = tempfile.mkstemp(prefix=".upload-", dir=directory)
    try:
        with os.fdopen(handle, "wb") as tmp:
            size, sha256, head = _copy_limited(upload.stream, tmp, max_bytes())
        if size == 0:
            raise AttachmentError(_("文件是空的，请重新选择。"))
        actual = sniff(head)
        if actual is None:
            raise AttachmentError(_("文件内容不是 PDF、JPG 或 PNG（仅改扩展名无效），已拒绝上传。"))
        if actual != promised:
            raise AttachmentError(_("文件内容与扩展名不符，请确认文件类型后再上传。"))

        key = secrets.token_hex(32)
        final_path = stored_path(key)
        os.makedirs(os.path.dirname(final_path), mode=0o700, exist_ok=True)
        os.replace(tmp_path, final_path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise
    _track_pending(final_path)

    attachment = Attachment(
        owner_type=owner_type,
        owner_id=owner_id,
        filename=filename,
        content_type=actual,
        size=size,
        stored_key=key,
        sha256=sha256,
        uploaded_by_id=actor.id,
        uploaded_at=utcnow(),
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "create",
        "attachment",
        attachment.id,
        changes={"owner": f"{owner_type}:{owner_id}", "filename": filename, "size": size, "type": actual},
        summary=_("上传附件 %(name)s", name=filename),
        user_id=actor.id,
    )
    return attachment


def soft_delete(attachment: Attachment, actor: User) -> None:
    """Hide the attachment (the file stays for the record) and audit it."""
    if attachment.deleted_at is not None:
        return
    attachment.deleted_at = utcnow()
    audit.record(
        "delete",
        "attachment",
        attachment.id,
        changes={"owner": f"{attachment.owner_type}:{attachment.owner_id}", "filename": attachment.filename},
        summary=_("删除附件 %(name)s", name=attachment.filename),
        user_id=actor.id,
    )


def for_owners(owner_type: str, owner_ids: list[int] | set[int]) -> dict[int, list[Attachment]]:
    """Live attachments of many owners in one query: {owner_id: [attachments]}."""
    found: dict[int, list[Attachment]] = {owner_id: [] for owner_id in owner_ids}
    if not owner_ids:
        return found
    rows = db.session.scalars(
        sa.select(Attachment)
        .where(
            Attachment.owner_type == owner_type,
            Attachment.owner_id.in_(list(owner_ids)),
            Attachment.deleted_at.is_(None),
        )
        .order_by(Attachment.uploaded_at, Attachment.id)
    )
    for attachment in rows:
        found[attachment.owner_id].append(attachment)
    return found


def get_live(attachment_id: Any, owner_type: str) -> Attachment | None:
    """The attachment if it exists, belongs to `owner_type` and is not deleted."""
    try:
        ident = int(attachment_id)
    except (TypeError, ValueError):
        return None
    attachment = db.session.get(Attachment, ident)
    if attachment is None or attachment.owner_type != owner_type or attachment.deleted_at is not None:
        return None
    return attachment


def download_response(attachment: Attachment) -> Response | None:
    """The file as a download (never rendered inline), or None when the
    stored file is missing."""
    path = stored_path(attachment.stored_key)
    if not os.path.isfile(path):
        current_app.logger.error("Attachment %s: stored file is missing", attachment.id)
        return None
    response = send_file(
        path,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
        conditional=False,
        etag=False,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- no file without its row -------------------------------------------------


def _track_pending(path: str) -> None:
    db.session.info.setdefault(_PENDING_KEY, []).append(path)


def _forget_committed(session: sa.orm.Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def _remove_uncommitted(session: sa.orm.Session, transaction: sa.orm.SessionTransaction) -> None:
    """At the end of the outermost transaction, files it wrote but did not
    commit (rollback, error, or a request that never committed) are removed."""
    if transaction.parent is not None:
        return
    for path in session.info.pop(_PENDING_KEY, []):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


sa.event.listen(sa.orm.Session, "after_commit", _forget_committed)
sa.event.listen(sa.orm.Session, "after_transaction_end", _remove_uncommitted)


def live_with_owner(attachment_id: int, owner_type: str, model: Any) -> tuple[Attachment, Any]:
    """An attachment of `owner_type` and its owner (a `model` record), loaded
    for the signed-in user: 404 when either is missing, deleted or out of
    the user's sight — the one loader of every feature's file routes."""
    from flask import abort

    from app.permissions import get_visible_or_404

    attachment = get_live(attachment_id, owner_type)
    if attachment is None:
        abort(404)
    return attachment, get_visible_or_404(model, attachment.owner_id)


def serve(attachment: Attachment) -> Any:
    """The download, or the 404 page saying the stored file is lost."""
    from app.errors import render_error

    response = download_response(attachment)
    if response is None:
        return render_error(404, _("附件文件已丢失，请联系管理员。"))
    return response
