"""A stand-in for the courts' case system: administrative cases and enforcement cases in which
a government body is the party enforced against."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from .._sim import (
    Breakage,
    Profile,
    bodies,
    create_simulator_app,
    generate,
    people,
    places,
    when,
)
from .._sim.agency import Behaviour, Step
from .._sim.dirt import blank, impossible_date

PROVINCE_ABBR = "鄂"
# 案由 -> (department sued, what the act was)
CAUSES = {
    "行政处罚": ("market", "作出的罚款20000元的行政处罚决定"),
    "行政强制": ("urban", "强制拆除原告门面房的行为"),
    "行政许可": ("service", "不予办理道路运输经营许可的决定"),
    "政府信息公开": ("land", "对原告政府信息公开申请的答复"),
    "不履行法定职责": ("hrss", "对原告工伤认定申请逾期不作答复的行为"),
    "行政征收": ("government", "作出的房屋征收补偿决定"),
    "行政协议": ("government", "单方解除招商引资协议的行为"),
}
LOST = {
    "撤销": "判决撤销被告{act}，责令被告于判决生效之日起六十日内重新作出处理。",
    "确认违法": "判决确认被告{act}违法。",
    "责令履行": "判决责令被告于判决生效之日起三十日内依法履行法定职责。",
    "变更": "判决变更被告{act}中的罚款数额。",
}
WON = {
    "驳回诉讼请求": "判决驳回原告的诉讼请求。",
    "维持": "判决维持被告{act}。",
}
ENFORCEMENT_STATES = ("执行中", "执行中", "终结本次执行", "执行完毕")


def _court(place: places.Place, appeal: bool) -> tuple[str, str]:
    """(court name, court code in case numbers): county courts, or the city's 中级法院."""
    if appeal or place.is_city:
        return "湖北省十堰市中级人民法院", "03"
    return f"湖北省{place.name}人民法院", place.code[2:6]


def _defendant(cause: str, place: places.Place) -> bodies.Body:
    department = CAUSES[cause][0]
    return bodies.government(place) if department == "government" else (
        bodies.department(department, place))


def _plaintiff(rng: random.Random, place: places.Place) -> str:
    return bodies.company(rng, place)[0] if rng.random() < 0.3 else people.full_name(rng)


def _administrative(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    lost = rng.random() < 0.45
    present = rng.random() < 0.7
    cause = rng.choice(list(CAUSES))
    place = places.any_place(rng, city_weight=0.2)
    appeal = rng.random() < 0.2
    court, code = _court(place, appeal)
    defendant = _defendant(cause, place)
    filed = when.moment(rng, last=when.LAST_DAY - timedelta(days=200))
    judged = filed + timedelta(days=rng.randint(45, 180))
    # 变更 (a changed amount) only fits a penalty.
    result = rng.choice([r for r in (LOST if lost else WON) if r != "变更" or cause == "行政处罚"])
    reasoning = (LOST if lost else WON)[result].format(act=CAUSES[cause][1])
    plaintiff = _plaintiff(rng, place)
    record = {
        "案号": f"({filed:%Y}){PROVINCE_ABBR}{code}{'行终' if appeal else '行初'}{number}号",
        "案件类别": "行政诉讼",
        "审理法院": court,
        "案由": cause,
        "原告": plaintiff,
        "被告": defendant.name,
        "被告统一社会信用代码": defendant.credit_code,
        "立案日期": when.iso_date(filed),
        "裁判结果": result,
        "裁判日期": when.iso_date(judged),
        "负责人是否出庭": "是" if present else "否",
        "出庭负责人": rng.choice(("局长", "副局长", "副县长", "副区长")) if present else "",
        "裁判摘要": f"原告{plaintiff}不服被告{defendant.name}{CAUSES[cause][1]}，"
                    f"向本院提起行政诉讼。本院经审理认为……{reasoning}",
    }
    return record, lost or not present


def _enforcement(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    place = places.any_place(rng, city_weight=0.15)
    court, code = _court(place, appeal=False)
    enforced = (bodies.town_government(rng, place) if rng.random() < 0.4
                else bodies.government(place))
    filed = when.moment(rng)
    basis_year = filed.year - 1
    amount = rng.randint(30, 3000) * 1000
    applicant = _plaintiff(rng, place)
    basis_type, dispute = rng.choice((("行初", "行政协议纠纷"), ("行赔初", "行政赔偿纠纷"),
                                      ("民初", "建设工程施工合同纠纷")))
    record = {
        "案号": f"({filed:%Y}){PROVINCE_ABBR}{code}执{number}号",
        "案件类别": "执行",
        "执行法院": court,
        "申请执行人": applicant,
        "被执行人": enforced.name,
        "被执行人统一社会信用代码": enforced.credit_code,
        "执行依据": f"({basis_year}){PROVINCE_ABBR}{code}{basis_type}{rng.randint(1, 400)}号",
        "执行标的金额": f"{amount:.2f}",
        "立案日期": when.iso_date(filed),
        "执行状态": rng.choice(ENFORCEMENT_STATES),
        "案情摘要": f"申请执行人{applicant}与被执行人{enforced.name}{dispute}一案，生效法律文书"
                    f"确定的给付义务被执行人未自动履行，申请执行人向本院申请强制执行，"
                    f"执行标的{amount / 10000:g}万元。",
    }
    return record, True


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    return _enforcement(rng, number) if rng.random() < 0.25 else _administrative(rng, number)


def _is_administrative(record: dict[str, Any]) -> bool:
    return record.get("案件类别") == "行政诉讼"


def _is_enforcement(record: dict[str, Any]) -> bool:
    return record.get("案件类别") == "执行"


def _spoil_case_number(value: Any, rng: random.Random) -> str:
    text = str(value or "(2024)鄂0322行初1号")
    return rng.choice((text.replace("号", ""), text.replace("(", "").replace(")", ""),
                       text.replace("鄂", "A", 1), "案号待补"))


PROFILE = Profile(
    name="court",
    display_name_zh="法院审判执行信息系统",
    make_record=make_record,
    date_fields=("立案日期", "裁判日期"),
    optional_fields=("审理法院", "执行法院", "被告统一社会信用代码", "被执行人统一社会信用代码",
                     "执行依据", "执行标的金额", "出庭负责人", "执行状态"),
    breakages=(
        Breakage("案号", _spoil_case_number),
        Breakage("裁判日期", impossible_date, _is_administrative),
        Breakage("被告", blank, _is_administrative),
        Breakage("立案日期", impossible_date, _is_enforcement),
        Breakage("被执行人", blank, _is_enforcement),
    ),
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The cases the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: a hand-off about compliance with a judgment ends rectified.
RECEIVER = Behaviour(steps=(
    Step("已组织核查并督促被执行机关履行。"),
    Step("被执行机关已履行生效裁判，问题整改完成。", kind="rectified", final=True),
), return_rate=0.1, late_rate=0.3)
