"""Password hashing with argon2id, the password policy and rehash-on-login."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

_hasher = PasswordHasher()  # argon2id with the library's current defaults

# The most common passwords of Chinese and English leak lists, lower-cased.
COMMON_PASSWORDS = frozenset(
    {
        "123456",
        "123456789",
        "12345678",
        "1234567890",
        "111111",
        "000000",
        "123123",
        "666666",
        "888888",
        "5201314",
        "password",
        "password1",
        "password123",
        "qwerty",
        "qwerty123",
        "qwertyuiop",
        "abc123",
        "abc123456",
        "a123456",
        "a12345678",
        "iloveyou",
        "admin",
        "admin123",
        "admin@123",
        "root123",
        "welcome",
        "1q2w3e4r",
        "1qaz2wsx",
        "zxcvbnm",
        "11111111",
        "00000000",
        "12341234",
        "aa123456",
        "qq123456",
        "woaini1314",
        "88888888",
        "66666666",
        "p@ssw0rd",
        "passw0rd",
        "zhaoshang",
        "zhaoshang123",
        "changeme",
        "letmein",
    }
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


def password_problem(password: str) -> str | None:
    """A Chinese message saying why `password` is refused, or None."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("密码至少需要 %(n)d 个字符。", n=minimum)
    if len(password) > 128:
        return _("密码不能超过 128 个字符。")
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("该密码过于常见或简单，请换一个。")
    return None
