"""A stand-in for the administrative review body's case system: review decisions (复议决定书)."""

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

# 复议事项 -> (department, document code of its acts, the act as a decision describes it)
MATTERS = {
    "行政处罚": ("market", "市监处罚", "罚款50000元并没收违法所得的行政处罚决定"),
    "行政强制": ("urban", "城管强拆", "限期拆除及强制拆除决定"),
    "不履行法定职责": ("hrss", "", "对申请人工伤认定申请逾期不作答复的行为"),
    "行政许可": ("transport", "交许", "不予行政许可决定"),
    "政府信息公开": ("land", "自然资规信公", "政府信息公开申请答复"),
    "工伤认定": ("hrss", "人社工认", "不予认定工伤决定"),
    "行政征收": ("housing", "住建征", "房屋征收补偿决定"),
}
CORRECTED = {
    "撤销": "决定撤销被申请人作出的{act}，责令被申请人在六十日内重新作出行政行为。",
    "变更": "决定变更被申请人作出的{act}，将罚款数额变更为10000元。",
    "确认违法": "决定确认被申请人作出的{act}违法。",
    "责令履行": "决定责令被申请人在三十日内依法履行法定职责。",
}
UPHELD = {
    "维持": "决定维持被申请人作出的{act}。",
    "驳回": "决定驳回申请人的行政复议请求。",
    "终止": "申请人撤回行政复议申请，决定终止行政复议。",
}


def _decision(rng: random.Random, matter: str, corrected: bool) -> str:
    choices = CORRECTED if corrected else UPHELD
    fitting = [kind for kind in choices if kind != "变更" or matter == "行政处罚"]
    if matter == "不履行法定职责":
        fitting = ["责令履行", "确认违法"] if corrected else ["驳回", "终止"]
    return rng.choice(fitting)


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    corrected = rng.random() < 0.4
    matter = rng.choice(list(MATTERS))
    department, act_code, act = MATTERS[matter]
    # Since 2024 the county (or city) government is the review body for its departments.
    place = places.any_place(rng, city_weight=0.25)
    reviewer = bodies.government(place)
    respondent = bodies.department(department, place)
    decided = when.moment(rng).date()
    received = decided - timedelta(days=rng.randint(30, 75))
    kind = _decision(rng, matter, corrected)
    applicant = people.full_name(rng) if rng.random() < 0.75 else bodies.company(rng, place)[0]
    act_number = (f"{place.short}{act_code}〔{received:%Y}〕{rng.randint(1, 300)}号"
                  if act_code else "")
    record = {
        "文号": f"{place.short}政复决〔{decided:%Y}〕{number}号",
        "复议机关": reviewer.name,
        "申请人": applicant,
        "被申请人": respondent.name,
        "被申请人统一社会信用代码": respondent.credit_code,
        "复议事项": matter,
        "原行政行为": act,
        "原行政行为文号": act_number,
        "收件日期": when.iso_date(received),
        "决定类型": kind,
        "决定日期": when.iso_date(decided),
        "决定要旨": f"申请人{applicant}不服被申请人{respondent.name}作出的{act}，"
                    f"向本机关申请行政复议。本机关经审查认为……"
                    + (CORRECTED | UPHELD)[kind].format(act=act),
    }
    return record, corrected


def _spoil_document_number(value: Any, rng: random.Random) -> str:
    text = str(value or "十政复决〔2024〕12号")
    return rng.choice((text.replace("〔", "").replace("〕", ""), text.replace("号", ""),
                       "行政复议决定书", text.replace("〔20", "〔")))


PROFILE = Profile(
    name="admin_review",
    display_name_zh="行政复议案件办理系统",
    make_record=make_record,
    date_fields=("收件日期", "决定日期"),
    optional_fields=("复议机关", "被申请人统一社会信用代码", "原行政行为", "原行政行为文号",
                     "收件日期"),
    breakages=(
        Breakage("文号", _spoil_document_number),
        Breakage("决定日期", impossible_date),
        Breakage("被申请人", blank),
        Breakage("决定要旨", blank),
    ),
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The review decisions the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: the reviewed body corrects its act.
RECEIVER = Behaviour(steps=(
    Step("已督促被申请人纠正。"),
    Step("被申请人已纠正违法行政行为。", kind="rectified", final=True),
), return_rate=0.1, late_rate=0.2)
