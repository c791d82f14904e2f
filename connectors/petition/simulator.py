"""A stand-in for the petition information system (信访信息系统): letters and visits (信访件)."""

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

# (问题类别, 信访目的 choices, who is concerned, content). Who: a department key,
# "government", "town" or "company". Placeholders: {body}, {village}, {amount}, {year}.
ABOUT_GOVERNMENT = (
    ("征地拆迁", ("求决", "申诉"), "government",
     "信访人反映，{village}的承包地于{year}年被征收，{body}至今未足额支付征地补偿款，"
     "补偿标准也未公开，多次反映无果。"),
    ("征地拆迁", ("揭发控告",), "town",
     "信访人反映，{body}在未作出征收决定、未签订补偿协议的情况下，组织人员强行拆除其位于"
     "{village}的房屋，造成财产损失约{amount}万元。"),
    ("行政执法", ("申诉", "求决"), "market",
     "信访人反映，{body}在查处其经营的农家乐时，执法人员未出示执法证件，"
     "查封设备后未依法出具查封决定书，至今设备仍未返还。"),
    ("行政执法", ("揭发控告",), "land",
     "信访人举报，{body}对{village}同类违法建筑选择性执法，只拆除其家房屋，"
     "而相邻的村干部亲属违建未作任何处理。"),
    ("行政执法", ("求决",), "environment",
     "信访人反映，{body}以环保整治为由强制关停其养殖场，既未作出书面决定，"
     "也未给予任何补偿，损失约{amount}万元。"),
    ("行政不作为", ("求决",), "urban",
     "信访人反映，邻居在小区公共通道违法搭建，其多次向{body}举报，"
     "{body}一直不予查处，也未作出书面答复。"),
    ("行政不作为", ("申诉",), "government",
     "信访人反映，其于{year}年向{body}申请公开征收补偿安置方案，超过法定期限仍未答复，"
     "申请复议后仍未公开。"),
    ("政务服务", ("求决",), "town",
     "信访人反映，其申请最低生活保障，{body}以户口不在本地为由拒绝受理，"
     "也未出具不予受理通知书。"),
)
OTHER_MATTERS = (
    ("劳动社保", "求决", "company",
     "信访人反映，其在{body}务工期间被拖欠工资{amount}千元，多次讨要未果，请求帮助追讨。"),
    ("邻里纠纷", "求决", None,
     "信访人反映，与邻居因宅基地边界发生纠纷，邻居砌墙占用其家出路，请求调解。"),
    ("婚姻家庭", "求决", None,
     "信访人反映，其子女不履行赡养义务，请求有关部门协调解决生活困难。"),
    ("行政执法", "意见建议", "traffic_police",
     "信访人建议{body}在{village}附近学校门口上下学时段增派警力，加强交通秩序管理。"),
    ("涉法涉诉", "申诉", None,
     "信访人对法院作出的民间借贷纠纷判决不服，要求重新审理。"),
)
FORMS = ("来信", "来访", "来访", "网上", "网上", "电话")
STATES = ("已受理", "办理中", "办理中", "已办结", "已办结")


def _concerned(rng: random.Random, who: str | None, place: places.Place) -> str:
    if who is None:
        return ""
    if who == "company":
        return bodies.company(rng, place)[0]
    if who == "government":
        return bodies.government(place).name
    if who == "town":
        return bodies.town_government(rng, place).name
    return bodies.department(who, place).name


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    is_clue = rng.random() < 0.6
    if is_clue:
        category, purposes, who, template = rng.choice(ABOUT_GOVERNMENT)
        purpose = rng.choice(purposes)
    else:
        category, purpose, who, template = rng.choice(OTHER_MATTERS)
    place = places.any_place(rng, city_weight=0.15)
    concerned = _concerned(rng, who, place)
    registered = when.moment(rng)
    form = rng.choice(FORMS)
    group = form == "来访" and rng.random() < 0.25
    count = rng.randint(5, 30) if group else 1
    name = people.full_name(rng)
    record = {
        "信访件编号": f"XF{place.code}{registered:%Y}{number:06d}",
        "登记日期": when.iso_date(registered),
        "信访形式": form,
        "信访人": f"{name}等{count}人" if group else name,
        "证件号码": people.id_number(rng, place.code if not place.is_city else "420302"),
        "联系电话": people.mobile(rng),
        "信访人数": count,
        "反映问题": template.format(body=concerned, village=places.village(rng, place),
                                    amount=rng.randint(3, 80), year=registered.year - 1),
        "问题属地": place.full_name,
        "涉及单位": concerned,
        "问题类别": category,
        "信访目的": purpose,
        "办理状态": rng.choice(STATES),
    }
    return record, is_clue


PROFILE = Profile(
    name="petition",
    display_name_zh="信访信息系统",
    make_record=make_record,
    date_fields=("登记日期",),
    optional_fields=("信访形式", "证件号码", "联系电话", "问题属地", "涉及单位", "办理状态"),
    breakages=(
        Breakage("反映问题", blank),
        Breakage("登记日期", impossible_date),
        Breakage("信访件编号", blank),
    ),
    reply_to="信访件编号",
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The petitions the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: the petition's matter is resolved.
RECEIVER = Behaviour(steps=(
    Step("已受理并交责任单位调查处理。"),
    Step("经调查处理，信访人反映的问题已解决。", kind="resolved", final=True),
), return_rate=0.15, late_rate=0.3)
