"""Case type codes (类型代字) used in court case numbers.

From the Supreme People's Court rules on case numbers (关于人民法院案件案号的若干规定) and the
standard of case types and their codes (人民法院案件类型及其代字标准, 2016, as later amended).
Grouped as in the standard; a code missing here is refused, so add it here when a partner
sends a real one.
"""

from __future__ import annotations

_GROUPS = {
    "管辖": "刑辖 民辖 民辖终 民辖监 行辖 行辖终 行辖监",
    "刑事": "刑初 刑终 刑核 刑更 刑医 刑医解 刑没 刑没初 刑没终 刑监 刑申 刑抗 刑再 刑他",
    "民事": "民初 民终 民监 民申 民抗 民再 民撤 民特 民特监 民催 民督 民督监 民他 民保令 民诉前调",
    "破产与强制清算": "破申 破 破终 破监 强清申 强清 强清终",
    "行政": "行初 行终 行监 行申 行抗 行再 行审 行审复 行他",
    "行政赔偿": "行赔初 行赔终 行赔监 行赔申 行赔抗 行赔再",
    "国家赔偿": "法赔 委赔 委赔监 委赔提 委赔再",
    "司法救助": "司救刑 司救民 司救行 司救赔 司救执 司救访",
    "执行": "执 执恢 执保 执异 执复 执监 执协 执他",
    "非诉保全审查": "财保 行保 证保 行保复",
    "司法制裁": "司惩 司惩复",
    "司法协助": "认港 认澳 认台 协外认 协外送 协外调",
    "知识产权法庭": "知民初 知民终 知行初 知行终 知民辖终",
}

CASE_TYPES: frozenset[str] = frozenset(code for codes in _GROUPS.values() for code in codes.split())
