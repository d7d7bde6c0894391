"""Shared API schemas: pagination, errors, tokens, departments, users.
Money travels as decimal strings; dates as YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt
import re
import types
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

Text = Annotated[str, Field(max_length=200)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
T = TypeVar("T")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> object:
    """Dates as YYYY-MM-DD only (pydantic would also read numbers as Unix
    timestamps: `0` or "0.0" is not 1970-01-01 here)."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.fullmatch(value.strip())):
        return value.strip() if isinstance(value, str) else value
    raise PydanticCustomError("date_format", "请输入有效的日期（YYYY-MM-DD）。")


# An input date: YYYY-MM-DD.
Day = Annotated[dt.date, BeforeValidator(_iso_day)]


def _storable(text: str) -> bool:
    """Text a database can hold: no NUL, no lone surrogate (JSON allows
    both; PostgreSQL and SQLite refuse them)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _kinds(annotation: Any) -> set[Any]:
    """The plain types a field's annotation admits (list → ("list", item kinds))."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return set().union(*(_kinds(arg) for arg in get_args(annotation)))
    if origin is Literal:
        return {type(value) for value in get_args(annotation)}
    if origin is list:
        return {("list", frozenset(_kinds(get_args(annotation)[0])))}
    return {annotation}


def _json_mismatch(value: object, kinds: set[Any], body: bool) -> bool:
    """True when a JSON value is not of the field's documented type although
    pydantic's lax mode would convert it (false → 0, "5" → 5, 1 → true)."""
    if isinstance(value, list):
        inner = [k[1] for k in kinds if isinstance(k, tuple)]
        return bool(inner) and any(_json_mismatch(item, set(inner[0]), body) for item in value)
    if isinstance(value, bool):
        return bool not in kinds
    if not body or value is None:
        return False  # query values are strings by nature
    if bool in kinds and not kinds & {int, str}:
        return True  # a non-boolean for a boolean
    return isinstance(value, str) and int in kinds and not kinds & {str, Decimal, dt.date}


class Strict(BaseModel):
    """Request bodies: unknown fields are refused, strings trimmed, text
    that no database can store refused, and JSON values must have the type
    the document states (no `false` for a number, no "5" for an integer)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    # Query strings carry every value as text; their models set this.
    from_query: ClassVar[bool] = False

    @field_validator("*", mode="before")
    @classmethod
    def _plain_json(cls, value: object, info: ValidationInfo) -> object:
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and not _storable(item) for item in items):
            raise PydanticCustomError("unstorable_text", "不能包含空字符或无效的 Unicode 字符。")
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _json_mismatch(value, _kinds(field.annotation), not cls.from_query):
            raise PydanticCustomError("json_type", "取值类型不符，请按接口文档提交。")
        return value


class Query(Strict):
    """Query-string parameters."""

    from_query: ClassVar[bool] = True


class PageQuery(Query):
    page: int = Field(1, ge=1, le=100000)
    per_page: int = Field(20, ge=1, le=200)


class Page(BaseModel, Generic[T]):
    items: list[T]
    page: int
    per_page: int
    total: int


class ErrorBody(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = {}


class ErrorResponse(BaseModel):
    error: ErrorBody


DateTimeOut = Annotated[dt.datetime, PlainSerializer(lambda v: v.isoformat(timespec="seconds") + "Z", return_type=str)]


class TokenRequest(Strict):
    username: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=1, max_length=128)
    name: str | None = Field(None, max_length=100, description="A label for the token, e.g. the device.")
    scope: Literal["read", "write"] = Field("read", description="read：只读（仅 GET）；write：读写")
    days: int | None = Field(None, ge=1, le=365, description="有效天数，默认 90")


class TokenOut(BaseModel):
    token: str
    scope: str
    expires_at: DateTimeOut


class TokenInfo(BaseModel):
    id: int
    user_id: int
    name: str | None
    created_at: DateTimeOut
    expires_at: DateTimeOut
    last_used_at: DateTimeOut | None
    revoked: bool
    scope: str


class DepartmentOut(BaseModel):
    id: int
    name: str
    short_name: str | None
    kind: str
    parent_id: int | None
    active: bool


class DepartmentIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    short_name: str | None = Field(None, max_length=30)
    kind: str = Field("other", pattern="^(town|zone|industry|bureau|other)$")
    parent_id: Id | None = None
    sort_order: int = Field(0, ge=0, le=100000)
    active: bool = True


class UserOut(BaseModel):
    id: int
    username: str
    name: str
    title: str | None
    role: str
    scope: str
    department_id: int | None
    active: bool


class UserIn(Strict):
    username: str = Field(min_length=2, max_length=50, pattern=r"^[A-Za-z0-9_.\-]+$")
    password: str = Field(min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=50)
    title: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30)
    role: str = Field(pattern="^(admin|leader|staff|viewer)$")
    scope: str = Field("department", pattern="^(own|department|department_tree|all)$")
    department_id: Id | None = None


class UserUpdate(Strict):
    username: str | None = Field(None, min_length=2, max_length=50, pattern=r"^[A-Za-z0-9_.\-]+$")
    name: str | None = Field(None, min_length=1, max_length=50)
    title: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=30)
    role: str | None = Field(None, pattern="^(admin|leader|staff|viewer)$")
    scope: str | None = Field(None, pattern="^(own|department|department_tree|all)$")
    department_id: Id | None = None
    active: bool | None = None


class ListQuery(PageQuery):
    q: str | None = Field(None, max_length=50)
