"""Native records as an administrator may see them: personal fields masked, and an edit of a
masked record put back together with the original's values (pure; the dead letters' page,
`hub deadletters`, and the correction of a dead letter use it)."""

from __future__ import annotations

import re
from typing import Any

from hub.normalize.codes import mask_id_number, mask_name, mask_phone

# Native fields that hold a person's name, phone or ID number (the connectors' column names,
# and the shared schema's), masked wherever a native record is shown.
_PERSON_KEYS = {"来电人", "信访人", "原告", "申请人", "申请执行人", "举报人", "反映人", "投诉人",
                "姓名", "name", "reporter_name"}
_PHONE_KEYS = {"联系电话", "电话", "手机", "手机号", "phone", "mobile", "tel"}
_ID_KEYS = {"证件号码", "身份证号", "身份证号码", "id_number", "id_card"}


def masked_native(value: Any, key: str = "") -> Any:
    """A native record as an administrator may see it: personal fields masked (by their
    names), and phone or ID numbers masked wherever they appear in text."""
    if isinstance(value, dict):
        return {k: masked_native(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked_native(v, key) for v in value]
    if not isinstance(value, str) or not value:
        return value
    if key in _PERSON_KEYS:
        return mask_name(value)
    if key in _PHONE_KEYS:
        return mask_phone(value)
    if key in _ID_KEYS:
        return mask_id_number(value)
    value = re.sub(r"(?<!\d)\d{17}[\dXx](?!\d)", lambda m: mask_id_number(m.group()), value)
    return re.sub(r"(?<!\d)1[3-9]\d{9}(?!\d)", lambda m: mask_phone(m.group()), value)


def unmask(edited: Any, masked: Any, original: Any) -> Any:
    """The administrator's edit of a masked record, with every value left as it was shown
    masked put back to the original's (so a correction never stores the asterisks)."""
    if isinstance(edited, dict) and isinstance(masked, dict) and isinstance(original, dict):
        return {k: unmask(v, masked.get(k), original.get(k)) if k in original else v
                for k, v in edited.items()}
    if isinstance(edited, list) and isinstance(masked, list) and isinstance(original, list) \
            and len(edited) == len(original) == len(masked):
        return [unmask(e, m, o) for e, m, o in zip(edited, masked, original, strict=True)]
    if edited == masked and masked != original:
        return original
    return edited
