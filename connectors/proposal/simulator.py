"""A stand-in for the proposal-handling system (建议提案办理系统): deputies' proposals
(人大代表建议) and CPPCC members' proposals (政协提案), each handed to a handling unit with
the deadline its answer is due by."""

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

# (主题分类, department, 案由, content). Placeholders: {body}, {place}, {road}.
LAW_RELATED = (
    ("行政执法", "transport", "关于规范交通运输执法行为的建议",
     "近年来群众反映{place}交通运输执法存在随意拦车、罚款不开票、以罚代管等问题，"
     "{body}执法程序不够规范。建议全面推行执法全过程记录，严格落实罚缴分离，公开裁量基准。"),
    ("行政执法", "urban", "关于推进城管执法柔性化、规范化的提案",
     "{place}部分路段城管执法人员收缴摊贩物品未出具清单、处置不透明，引发矛盾。"
     "建议{body}规范暂扣物品管理，推行首违不罚清单。"),
    ("行政执法", "environment", "关于避免环保执法“一刀切”的建议",
     "{place}部分企业反映，{body}在专项整治中对合规企业一并停产限产，未下达书面意见。"
     "建议分类施策，依法依规实施差异化管控。"),
    ("营商环境", "housing", "关于清理拖欠民营企业工程款的建议",
     "{place}多家民营建筑企业反映，政府投资项目竣工多年工程款仍未结清，{body}审计结算久拖不决。"
     "建议建立清欠台账，限期结清。"),
    ("营商环境", "market", "关于减少涉企重复检查的提案",
     "{place}企业反映，{body}等部门检查频次高、标准不一，影响正常生产经营。"
     "建议推行“综合查一次”，公开检查事项清单。"),
    ("政务服务", "service", "关于解决政务服务“多头跑、反复交材料”问题的建议",
     "群众反映在{body}办理相关事项时被要求提供法律法规未规定的证明材料，往返多次。"
     "建议全面清理证明事项，推行告知承诺制。"),
    ("政务服务", "hrss", "关于提高工伤认定时效的提案",
     "{place}部分职工工伤认定申请超过法定期限仍无结论，{body}答复不及时。"
     "建议建立超期预警和督办机制。"),
    ("规范性文件", "agriculture", "关于清理涉农规范性文件的建议",
     "{body}部分规范性文件与上位法不一致，设定了没有法律依据的审批条件。"
     "建议开展专项清理并向社会公布结果。"),
)
OTHER_THEMES = (
    ("城乡建设", "housing", "关于加快老旧小区改造的建议",
     "{place}部分老旧小区管网老化、缺少电梯，建议{body}加快改造进度，增加停车位。"),
    ("教育卫生", "education", "关于增加城区学位供给的提案",
     "{place}城区学位紧张，建议{body}新建扩建中小学校，优化学区划分。"),
    ("文化旅游", "forestry", "关于发展生态旅游的建议",
     "建议依托{place}山水资源，由{body}牵头规划森林步道，发展生态旅游。"),
    ("交通出行", "transport", "关于优化公交线路的提案",
     "建议{body}在{road}增设公交站点，优化早晚高峰班次。"),
)
SESSIONS = {"人大代表建议": "十堰市第七届人民代表大会第五次会议",
            "政协委员提案": "政协十堰市第七届委员会第五次会议"}
GROUPS = {"人大代表建议": ("{c}代表团",), "政协委员提案": ("民建界别", "民盟界别", "农工党界别",
                                                     "经济界别", "社会福利和社会保障界别")}
STATES = ("待答复", "办理中", "已答复", "已答复", "已办结")
REPLY_DAYS = 90  # answers are due three months after the proposal is handed over


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    is_clue = rng.random() < 0.65
    theme, department, cause, template = rng.choice(LAW_RELATED if is_clue else OTHER_THEMES)
    kind = rng.choice(tuple(SESSIONS))
    place = places.any_place(rng)
    body = bodies.department(department, place)
    handed = when.moment(rng, last=when.LAST_DAY - timedelta(days=30))
    code = "JY" if kind == "人大代表建议" else "TA"
    record = {
        "建议提案编号": f"{code}{handed:%Y}{number:04d}",
        "类别": kind,
        "届次": SESSIONS[kind],
        "案由": cause,
        "内容": template.format(body=body.name, place=place.name, road=rng.choice(place.roads)),
        "领衔人": people.full_name(rng),
        "代表团或界别": rng.choice(GROUPS[kind]).format(c=place.name),
        "联系电话": people.mobile(rng),
        "主题分类": theme,
        "承办单位": body.name,
        "交办日期": when.iso_datetime(handed),
        "答复期限": when.iso_date(handed + timedelta(days=REPLY_DAYS)),
        "办理状态": rng.choice(STATES),
    }
    return record, is_clue


PROFILE = Profile(
    name="proposal",
    display_name_zh="建议提案办理系统",
    make_record=make_record,
    date_fields=("交办日期", "答复期限"),
    optional_fields=("届次", "代表团或界别", "联系电话", "承办单位", "答复期限", "办理状态"),
    breakages=(
        Breakage("内容", blank),
        Breakage("交办日期", impossible_date),
        Breakage("建议提案编号", blank),
    ),
    reply_to="建议提案编号",
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The proposals the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: the handling unit answers the deputy or member.
RECEIVER = Behaviour(steps=(
    Step("已与领衔人沟通，正在研究办理。"),
    Step("已书面答复领衔人，所提问题已整改。", kind="rectified", final=True),
), return_rate=0.1, late_rate=0.3)
