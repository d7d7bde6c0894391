"""Password hashing with argon2id, the password policy and rehash-on-login."""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import gettext as _

DEMO_PASSWORD = "zhaoshang-demo"  # noqa: S105 - published in the README: never a real one

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
        "monkey",
        "dragon",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "master",
        "shadow",
        "superman",
        "trustno1",
        "asdfghjkl",
        "asdfgh",
        "asdf",
        "qazwsx",
        "qweasd",
        "qweasdzxc",
        "1qazxsw2",
        "zaq12wsx",
        "abcd1234",
        "abcdefg",
        "woaini",
        "woaini520",
        "wang",
        "zhang",
        "li",
        "liu",
        "chen",
        "test",
        "test123",
        "guest",
        "user",
        "login",
        "welcome1",
        "hello",
        "hello123",
        "china",
        "beijing",
        "shanghai",
        "zhengzhou",
        "henan",
        "qwer1234",
        "1234qwer",
        "147258369",
        "987654321",
        "123321",
        "112233",
        "121212",
        "520520",
        "1314520",
    }
)
# What is left of "Password12!" or "2024qwertyuiop" once the digits and
# symbols around a word are taken off: a common word dressed up is common.
_DRESSING = re.compile(r"^[\d\W_]+|[\d\W_]+$")
_TRAILING = re.compile(r"[\d\W_]+$")


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


def password_problem(password: str, username: str | None = None) -> str | None:
    """A Chinese message saying why `password` is refused, or None: too
    short (PASSWORD_MIN_LENGTH, 10), the username (with digits or symbols
    around it),
    a common password even with digits or symbols around it, the published
    demo password outside demo mode."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return _("密码至少需要 %(n)d 个字符。", n=minimum)
    if len(password) > 128:
        return _("密码不能超过 128 个字符。")
    lowered = password.lower()
    core = _DRESSING.sub("", lowered)
    name = (username or "").strip().lower()
    if name and (lowered == name or core in (name, _DRESSING.sub("", name))):
        return _("密码不能是用户名（加上数字或符号也不行）。")
    if password == DEMO_PASSWORD and not current_app.config.get("DEMO_DATA_ALLOWED"):
        return _("不能使用演示账号的公开密码。")
    forms = {lowered, core, _TRAILING.sub("", lowered)}
    if forms & COMMON_PASSWORDS or len(set(password)) < 4 or len(core) < 3:
        return _("该密码过于常见或简单，请换一个。")
    return None
