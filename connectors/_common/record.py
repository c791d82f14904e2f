"""Reading one native record: required and optional fields, dates, checked codes.

Mappers read through `NativeRecord` so that every refusal names the native field in plain
Chinese, and every optional value that fails its check is dropped and noted, not fatal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from hub.normalize.codes import (
    CaseNumber,
    CodeError,
    DocumentNumber,
    check_credit_code,
    check_id_number,
    check_phone,
    parse_case_number,
    parse_document_number,
)

from ..base.errors import MappingError
from .dates import parse_local_datetime, to_rfc3339
from .text import clean

SOURCE_REF_MAX = 128
DROPPED_KEY = "校验未通过字段"  # extra: optional fields left out because their value was bad


class NativeRecord:
    """A partner's record as read by a mapper."""

    def __init__(self, record: object) -> None:
        if not isinstance(record, Mapping):
            raise MappingError("记录", "记录应为“字段名: 值”形式的对象")
        self._record = record
        self.dropped: list[str] = []
        self._texts: dict[str, str | None] = {}  # a mapper reads some fields twice

    def text(self, name: str) -> str | None:
        """The cleaned value of an optional field; None when missing or blank."""
        try:
            return self._texts[name]
        except KeyError:
            value = self._texts[name] = clean(self._record.get(name))
            return value

    def required(self, name: str) -> str:
        value = self.text(name)
        if value is None:
            problem = "缺少该字段" if name not in self._record else "该字段为空"
            raise MappingError(name, f"{problem}，无法生成线索")
        return value

    def identifier(self, name: str) -> str:
        """The record's id in the partner system: required, at most 128 characters."""
        value = self.required(name)
        if len(value) > SOURCE_REF_MAX:
            raise MappingError(name, f"编号超过 {SOURCE_REF_MAX} 个字符，无法作为来源编号")
        return value

    def moment(self, name: str) -> str:
        """A required date or date-time as RFC 3339 in China time."""
        raw = self._record.get(name)
        if not isinstance(raw, date):
            raw = self.required(name)
        try:
            return to_rfc3339(parse_local_datetime(raw))
        except ValueError:
            raise MappingError(name, f"“{str(raw)[:40]}”不是有效的日期或时间") from None

    def day(self, name: str) -> date | None:
        """An optional date; a bad one is dropped and noted."""
        raw = self._record.get(name)
        if clean(raw) is None and not isinstance(raw, date):
            return None
        try:
            return parse_local_datetime(raw if isinstance(raw, date) else clean(raw)).date()
        except ValueError:
            return self._drop(name)

    def case_number(self, name: str, *, required: bool = False) -> CaseNumber | None:
        return self._code(name, parse_case_number, required, "不是有效的案号")

    def document_number(self, name: str, *, required: bool = False) -> DocumentNumber | None:
        return self._code(name, parse_document_number, required, "不是有效的文号")

    def credit_code(self, name: str) -> str | None:
        return self._code(name, check_credit_code, False, "")

    def phone(self, name: str) -> str | None:
        return self._code(name, check_phone, False, "")

    def id_number(self, name: str) -> str | None:
        return self._code(name, check_id_number, False, "")

    def extra(self, names: Iterable[str]) -> dict[str, Any]:
        """The named fields that are present, cleaned, plus the names of dropped ones."""
        kept = {name: value for name in names if (value := self.text(name)) is not None}
        if self.dropped:
            kept[DROPPED_KEY] = list(dict.fromkeys(self.dropped))
        return kept

    def _code(self, name: str, check: Any, required: bool, refusal: str) -> Any:
        value = self.required(name) if required else self.text(name)
        if value is None:
            return None
        try:
            return check(value)
        except CodeError as exc:
            if required:
                raise MappingError(name, f"“{value[:40]}”{refusal}：{exc}") from None
            return self._drop(name)

    def _drop(self, name: str) -> None:
        self.dropped.append(name)
        return None
