"""Spreadsheet headers for discipline commission problem clues, as clerks type them."""

from __future__ import annotations

from .._common.columns import aliases

COLUMNS: dict[str, str] = aliases(
    线索编号=["编号", "线索号", "问题线索编号"],
    受理日期=["受理时间", "收到日期", "登记日期"],
    线索来源=["来源", "线索来源渠道"],
    反映对象=["被反映人", "姓名", "被反映人姓名"],
    单位职务=["工作单位及职务", "单位及职务", "职务"],
    问题类别=["问题类型", "类别", "问题性质"],
    线索摘要=["主要问题", "问题摘要", "反映问题", "内容摘要"],
    处置方式=["拟处置方式", "处置类别"],
    办理状态=["状态", "办理情况"],
)
