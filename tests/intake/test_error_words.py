"""Every kind of validation error pydantic can raise is told in Chinese."""

from __future__ import annotations

import re
import typing

import pydantic_core.core_schema as core_schema

from hub.contract.messages import reason

CTX = {"min_length": 1, "max_length": 5, "expected": "'a'", "ge": 0, "le": 9, "gt": 0, "lt": 9,
       "multiple_of": 2, "max_digits": 16, "decimal_places": 2, "whole_digits": 14,
       "error": ValueError("Input should be a valid decimal")}


def test_every_pydantic_error_type_has_chinese_words():
    english = {}
    for kind in typing.get_args(core_schema.ErrorType):
        told = reason({"type": kind, "msg": "Input should be a valid thing", "ctx": CTX})
        prose = re.sub(r"JSON|UUID|ASCII|Unicode|YYYY|true|false|null", "", told.replace(kind, ""))
        if re.search(r"[A-Za-z]{4,}", prose) or not re.search(r"[\u4e00-\u9fff]",
                                                                                told):
            english[kind] = told
    assert not english
