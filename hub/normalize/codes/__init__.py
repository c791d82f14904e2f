"""Validation and parsing of Chinese codes: credit codes, ID and phone numbers, division codes,
court case numbers and document numbers. Pure functions; the only I/O is reading the shipped
division table once, on first use.

Every check takes raw text, normalizes it (normalize_code_text) and returns the canonical form,
or raises CodeError with a short Chinese message saying what is wrong.
"""

from .base import CodeError, normalize_code_text
from .case_types import CASE_TYPES
from .divisions import Division, DivisionTable, check_region_code, load_divisions
from .identity import check_credit_code, check_id_number
from .masking import mask_id_number, mask_name, mask_phone
from .phone import check_phone
from .references import (
    CaseNumber,
    DocumentNumber,
    check_reference,
    parse_case_number,
    parse_document_number,
)
from .region_text import region_of_text

__all__ = [
    "CASE_TYPES",
    "CaseNumber",
    "CodeError",
    "Division",
    "DivisionTable",
    "DocumentNumber",
    "check_credit_code",
    "check_id_number",
    "check_phone",
    "check_reference",
    "check_region_code",
    "load_divisions",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalize_code_text",
    "parse_case_number",
    "parse_document_number",
    "region_of_text",
]
