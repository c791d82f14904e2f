"""A stand-in for the procuratorate's case system: recommendations (检察建议书) it has issued."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from fastapi import FastAPI

from .._sim import (
    Breakage,
    Profile,
    bodies,
    create_simulator_app,
    generate,
    places,
    when,
)
from .._sim.agency import Behaviour, Step
from .._sim.dirt import blank, impossible_date

# (建议类型, department, the problem found, what is recommended)
RECOMMENDATIONS = (
    ("行政检察", "market",
     "你局在办理一起食品安全行政处罚案件中，未依法履行告知程序即作出处罚决定，",
     "建议你局依法纠正，并对执法人员开展执法程序培训。"),
    ("行政检察", "land",
     "你局对辖区内多处非法占用耕地建房问题，立案后长期未作出处理决定，",
     "建议你局依法履行监管职责，及时作出处理并督促恢复耕地原状。"),
    ("行政检察", "hrss",
     "你局对多名劳动者的工伤认定申请超过法定期限未作出认定结论，",
     "建议你局依法及时作出工伤认定，并建立超期预警机制。"),
    ("公益诉讼", "environment",
     "本院在履职中发现，辖区内一家采石场未办理环评手续长期生产，粉尘污染严重，你局未依法查处，",
     "建议你局依法履行监管职责，责令停止违法行为并依法处罚。"),
    ("公益诉讼", "water",
     "本院在履职中发现，汉江支流河道内存在非法采砂、倾倒建筑垃圾等问题，你局未有效履行监管职责，",
     "建议你局依法查处违法行为，及时清理河道并加强日常巡查。"),
    ("公益诉讼", "agriculture",
     "本院在履职中发现，辖区内农药包装废弃物随意丢弃于田间地头，你局未落实回收处置监管责任，",
     "建议你局建立回收处置机制，依法查处违法行为。"),
    ("公益诉讼", "health",
     "本院在履职中发现，辖区内多家医疗机构医疗废物未按规定分类收集、暂存，你委（局）监管缺位，",
     "建议依法查处并督促整改。"),
)
# (回复情况, 整改情况, is it a clue)
OUTCOMES = (
    ("已按期回复", "已整改", False),
    ("已按期回复", "整改中", False),
    ("已按期回复", "已整改", False),
    ("已按期回复", "部分整改", True),
    ("已按期回复", "未整改", True),
    ("逾期回复", "已整改", True),
    ("逾期回复", "部分整改", True),
    ("逾期未回复", "未整改", True),
)
REPLY_MONTHS = 2  # the law gives two months to reply


def _procuratorate(place: places.Place) -> str:
    return f"湖北省{place.name}人民检察院"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    kind, department, problem, advice = rng.choice(RECOMMENDATIONS)
    place = places.any_place(rng, city_weight=0.2)
    body = bodies.department(department, place)
    issued = when.moment(rng, last=when.LAST_DAY - timedelta(days=90)).date()
    deadline = _add_months(issued, REPLY_MONTHS)
    reply_state, rectification, is_clue = rng.choice(OUTCOMES)
    replied = {"已按期回复": deadline - timedelta(days=rng.randint(1, 40)),
               "逾期回复": deadline + timedelta(days=rng.randint(3, 60))}.get(reply_state)
    code = "行建" if kind == "行政检察" else "公建"
    record = {
        "文号": f"{place.short}检{code}〔{issued:%Y}〕{number}号",
        "发文单位": _procuratorate(place),
        "被建议单位": body.name,
        "被建议单位统一社会信用代码": body.credit_code,
        "建议类型": kind,
        "建议内容": f"{body.name}：{problem}{advice}请在收到本建议书后两个月内将办理情况书面回复本院。",
        "发出日期": when.iso_date(issued),
        "回复期限": when.iso_date(deadline),
        "回复日期": when.iso_date(replied) if replied else "",
        "回复情况": reply_state,
        "整改情况": rectification,
    }
    return record, is_clue


def _spoil_document_number(value: Any, rng: random.Random) -> str:
    text = str(value or "郧检行建〔2024〕5号")
    return rng.choice((text.replace("〔", "").replace("〕", ""), text.replace("号", ""),
                       "检察建议书", text.replace("〔20", "〔")))


PROFILE = Profile(
    name="procuratorate",
    display_name_zh="检察业务应用系统",
    make_record=make_record,
    date_fields=("发出日期", "回复期限", "回复日期"),
    optional_fields=("发文单位", "被建议单位统一社会信用代码", "回复日期"),
    breakages=(
        Breakage("文号", _spoil_document_number),
        Breakage("建议内容", blank),
        Breakage("发出日期", impossible_date),
        Breakage("被建议单位", blank),
    ),
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The recommendations the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: a recommendation (检察建议) followed up until rectified.
RECEIVER = Behaviour(steps=(
    Step("已跟进检察建议落实情况。"),
    Step("被建议单位已书面回复并完成整改。", kind="rectified", final=True),
), return_rate=0.1, late_rate=0.25)
