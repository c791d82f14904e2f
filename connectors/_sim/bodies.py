"""Government bodies of Shiyan and its counties, with valid unified social credit codes."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from .places import CITY_NAME, COUNTIES, Place


@dataclass(frozen=True)
class Body:
    name: str
    region_code: str
    department: str  # a key of DEPARTMENTS, or "government" / "town"
    credit_code: str


# key -> (name under the city, name under a county; {c} is the county's name)
DEPARTMENTS: dict[str, tuple[str, str]] = {
    "traffic_police": ("十堰市公安局交通警察支队", "{c}公安局交通警察大队"),
    "police": ("十堰市公安局", "{c}公安局"),
    "market": ("十堰市市场监督管理局", "{c}市场监督管理局"),
    "land": ("十堰市自然资源和规划局", "{c}自然资源和规划局"),
    "housing": ("十堰市住房和城乡建设局", "{c}住房和城乡建设局"),
    "urban": ("十堰市城市管理执法委员会", "{c}城市管理执法局"),
    "transport": ("十堰市交通运输局", "{c}交通运输局"),
    "hrss": ("十堰市人力资源和社会保障局", "{c}人力资源和社会保障局"),
    "environment": ("十堰市生态环境局", "十堰市生态环境局{c}分局"),
    "agriculture": ("十堰市农业农村局", "{c}农业农村局"),
    "health": ("十堰市卫生健康委员会", "{c}卫生健康局"),
    "emergency": ("十堰市应急管理局", "{c}应急管理局"),
    "education": ("十堰市教育局", "{c}教育局"),
    "service": ("十堰市政务服务和大数据管理局", "{c}政务服务和大数据管理局"),
    "medical_insurance": ("十堰市医疗保障局", "{c}医疗保障局"),
    "water": ("十堰市水利和湖泊局", "{c}水利和湖泊局"),
    "forestry": ("十堰市林业局", "{c}林业局"),
    "tax": ("国家税务总局十堰市税务局", "国家税务总局{c}税务局"),
}


CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character (written here, not imported, so tests cross-check)."""
    pairs = zip(first17, _CREDIT_WEIGHTS, strict=True)
    total = sum(CREDIT_CHARSET.index(ch) * weight for ch, weight in pairs)
    return CREDIT_CHARSET[-total % 31]


def organization_code(seed_text: str) -> str:
    """A 9-character organization code (GB 11714: 8 digits and a check character)."""
    digest = hashlib.sha256(seed_text.encode()).digest()
    body = "".join(str(b % 10) for b in digest[:8])
    total = sum(int(ch) * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(name: str, region_code: str, kind: str = "11") -> str:
    """A valid code for a body: `11` (机构编制, 机关), `91` (工商, 企业) …"""
    first17 = kind + region_code + organization_code(name)[:9]
    return first17 + credit_check_char(first17)


def _body(name: str, region_code: str, department: str) -> Body:
    return Body(name, region_code, department, credit_code(name, region_code))


def department(key: str, place: Place) -> Body:
    """The body of a kind of department in a place: ("market", 郧西县) -> 郧西县市场监督管理局."""
    city_name, county_name = DEPARTMENTS[key]
    name = city_name if place.is_city else county_name.format(c=place.name)
    return _body(name, place.code, key)


def government(place: Place) -> Body:
    return _body(f"{place.name}人民政府", place.code, "government")


def town_government(rng: random.Random, place: Place) -> Body:
    """A township government (人民政府) or sub-district office (街道办事处)."""
    county = place if not place.is_city else rng.choice(COUNTIES)
    town = rng.choice(county.towns)
    tail = "办事处" if town.endswith("街道") else "人民政府"
    return _body(f"{county.name}{town}{tail}", county.code, "town")


def company(rng: random.Random, place: Place) -> tuple[str, str]:
    """A local company and its credit code: 十堰市鑫源物流有限公司."""
    prefix = CITY_NAME if place.is_city or rng.random() < 0.5 else place.name
    name = f"{prefix}{rng.choice(_TRADE_NAMES)}{rng.choice(_TRADES)}有限公司"
    return name, credit_code(name, place.code, "91")


_TRADE_NAMES = ("鑫源", "汉江", "武当", "恒达", "聚鑫", "华晟", "秦巴", "绿源", "金茂", "顺通")
_TRADES = ("物流", "建材", "商贸", "农业开发", "餐饮管理", "汽车零部件", "建筑工程", "茶业")
