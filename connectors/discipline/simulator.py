"""A stand-in for the discipline commission's case system (纪委监委): problem clues (问题线索)."""

from __future__ import annotations

import random
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

# (问题类别, the unit's department, summary). Placeholders: {unit}, {position}, {who} (e.g.
# 王某某, as summaries write it), {village}.
RULE_OF_LAW = (
    ("不作为慢作为", "water",
     "反映{unit}{position}{who}在处理{village}群众举报的非法采砂问题时长期推诿拖延，"
     "群众多次举报均未查处，造成河道严重破坏。"),
    ("违规执法", "market",
     "反映{unit}{position}{who}在执法检查中对个体商户随意罚款，罚没款未按规定开具票据，"
     "部分罚款去向不明。"),
    ("选择性执法", "urban",
     "反映{who}在担任{unit}{position}期间，对亲友经营的门店占道经营不予查处，"
     "对其他商户则从严处罚。"),
    ("干预执法司法", "police",
     "反映{who}利用担任{unit}{position}的职务影响，插手干预一起正在办理的行政处罚案件，"
     "要求承办人员减轻处罚。"),
    ("违法决策", "town",
     "反映{unit}{position}{who}未经集体讨论和合法性审查，擅自决定对{village}实施整村拆迁，"
     "引发群众集体上访。"),
    ("乱作为", "environment",
     "反映{unit}{position}{who}以环保整治为名，要求辖区企业停产并缴纳所谓“整改保证金”。"),
    ("不作为慢作为", "hrss",
     "反映{unit}{position}{who}对农民工欠薪投诉长期不予立案，致使多起欠薪问题久拖不决。"),
)
PERSONAL_CONDUCT = (
    ("违反中央八项规定精神", "transport",
     "反映{unit}{position}{who}多次使用公务用车办私事，并在节假日接受下属宴请。"),
    ("违反廉洁纪律", "housing",
     "反映{who}在担任{unit}{position}期间，逢年过节收受管理服务对象礼金。"),
    ("违反组织纪律", "education",
     "反映{unit}{position}{who}在干部选拔任用中搞“小圈子”，违规提拔亲属。"),
    ("违反生活纪律", "health",
     "反映{unit}{position}{who}生活作风不检点，造成不良影响。"),
)
POSITIONS = {
    "town": ("镇长", "副镇长", "党委委员"),
    "police": ("副局长", "治安大队大队长", "派出所所长"),
    "default": ("局长", "副局长", "执法大队大队长", "综合执法股股长", "办公室主任"),
}
SOURCES = ("信访举报", "信访举报", "巡察移交", "审计移交", "依法治市办移送", "监督检查发现")
DISPOSALS = ("谈话函询", "初步核实", "初步核实", "暂存待查", "予以了结", "立案审查")
STATES = ("待处置", "处置中", "已办结")


def _unit(rng: random.Random, department: str, place: places.Place) -> bodies.Body:
    if department == "town":
        return bodies.town_government(rng, place)
    return bodies.department(department, place)


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    is_clue = rng.random() < 0.6
    category, department, template = rng.choice(RULE_OF_LAW if is_clue else PERSONAL_CONDUCT)
    place = places.any_place(rng, city_weight=0.2)
    unit = _unit(rng, department, place)
    position = rng.choice(POSITIONS.get(department, POSITIONS["default"]))
    name = people.full_name(rng)
    received = when.moment(rng)
    record = {
        "线索编号": f"XS{place.code}-{received:%Y}-{number:05d}",
        "受理日期": when.iso_date(received),
        "线索来源": rng.choice(SOURCES),
        "反映对象": name,
        "单位职务": f"{unit.name}{position}",
        "问题类别": category,
        "线索摘要": template.format(unit=unit.name, position=position, who=name[0] + "某某",
                                    village=places.village(rng, place)),
        "处置方式": rng.choice(DISPOSALS),
        "办理状态": rng.choice(STATES),
    }
    return record, is_clue


PROFILE = Profile(
    name="discipline",
    display_name_zh="纪检监察问题线索管理系统",
    make_record=make_record,
    date_fields=("受理日期",),
    optional_fields=("线索来源", "反映对象", "处置方式", "办理状态"),
    breakages=(
        Breakage("线索摘要", blank),
        Breakage("受理日期", impossible_date),
        Breakage("线索编号", blank),
    ),
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The problem clues the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: clues referred by the office are put on file (立案), then the
# persons responsible are sanctioned (党纪政务处分).
RECEIVER = Behaviour(steps=(
    Step("经初步核实，已对反映问题立案审查。", kind="case_opened"),
    Step("经审查，对相关责任人给予党纪政务处分。", kind="sanction", persons=2, final=True),
), return_rate=0.05, late_rate=0.3)
