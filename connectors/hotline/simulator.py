"""A stand-in for the 12345 hotline platform: work orders (工单) as the platform exports them."""

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

# (诉求类型 choices, 问题分类, department, content). Placeholders: {body} the handling unit,
# {addr} an address, {road}, {village}, {company}, {amount}, {month}.
LAW_RELATED = (
    (("投诉", "举报"), "行政执法", "traffic_police",
     "来电人反映，其为货车司机，{month}月以来在{road}附近多次被{body}执法人员拦停罚款，"
     "每次罚款200元却不出具处罚决定书，怀疑存在按指标罚款、以罚代管问题，请求核查。"),
    (("投诉",), "行政执法", "market",
     "来电人反映，其在{addr}经营一家小餐馆，{body}执法人员以未公示证照为由当场罚款2000元，"
     "未告知陈述、申辩权利，也未出具行政处罚决定书，认为执法程序违法。"),
    (("投诉", "举报"), "行政执法", "land",
     "来电人反映，{village}其家宅基地上的房屋被{body}认定为违法建筑并要求限期拆除，"
     "至今未收到书面决定，也未被告知申请复议或提起诉讼的权利，要求依法处理。"),
    (("投诉",), "行政执法", "urban",
     "来电人反映，{body}执法人员在{addr}附近收缴流动摊贩的三轮车及货物，未开具扣押清单，"
     "至今未归还，且执法过程中有推搡行为。"),
    (("投诉",), "行政执法", "transport",
     "来电人反映，其驾驶的网约车在{road}被{body}查扣，已超过法定期限30日仍未作出处理决定，"
     "车辆一直被扣押，严重影响生计。"),
    (("举报",), "行政执法", "environment",
     "来电人举报，{body}对{addr}周边企业搞“一刀切”停产整治，未下达书面整改意见，"
     "部分合规企业也被强制断电停工。"),
    (("投诉",), "政务服务", "service",
     "来电人反映，其到{body}办理营业执照变更，窗口人员要求提供法律法规未规定的证明材料，"
     "已往返四次仍未办成。"),
    (("投诉",), "政务服务", "hrss",
     "来电人反映，其于{month}月向{body}申请工伤认定，已超过法定60日仍未作出认定结论，"
     "工作人员以各种理由推脱。"),
    (("投诉",), "政务服务", "medical_insurance",
     "来电人反映，其异地就医备案申请在{body}已提交一个多月无人受理，电话咨询无人接听。"),
    (("投诉", "举报"), "营商环境", "housing",
     "来电人（{company}负责人）反映，该公司承建的政府投资项目已竣工验收两年，"
     "{body}拖欠工程款约{amount}万元至今未付，多次催要无果。"),
    (("投诉",), "营商环境", "market",
     "来电人（{company}负责人）反映，{body}在一个月内对该公司进行了五次检查，"
     "每次均无检查通知书，检查人员要求企业在指定单位购买检测服务。"),
    (("投诉",), "营商环境", "agriculture",
     "来电人反映，其合作社申报的产业扶持资金已公示通过，{body}以资金紧张为由拖延拨付，"
     "涉及金额{amount}万元。"),
)

NOT_CLUES = (
    ("咨询", "公共交通", "transport",
     "来电人咨询从{road}到十堰火车站的公交线路，以及早晚班车的发车时间。"),
    ("咨询", "政务服务", "service",
     "来电人咨询办理居住证需要准备哪些材料、在哪个窗口办理。"),
    ("求助", "市政设施", "urban",
     "来电人反映，{addr}附近路灯损坏已有一周，夜间出行不便，请求尽快维修。"),
    ("求助", "市政设施", "water",
     "来电人反映，{addr}小区自来水水压偏低，高层住户用水困难，请求协调处理。"),
    ("投诉", "邻里纠纷", "police",
     "来电人反映，{addr}楼上住户夜间装修噪音扰民，经沟通无果，请求协调。"),
    ("建议", "公共交通", "transport",
     "来电人建议在{road}增设一处公交站点，方便附近居民出行。"),
    ("表扬", "政务服务", "service",
     "来电人表扬{body}窗口工作人员服务热情、办事高效，一次就办成了不动产登记。"),
    ("投诉", "生活服务", "market",
     "来电人反映，其在{addr}一家超市购买的酸奶已过保质期，要求商家退货赔偿。"),
)

STATES = ("待签收", "办理中", "办理中", "已办结", "已办结", "已回访")
SOURCES = ("电话", "电话", "电话", "微信公众号", "网站", "小程序")
URGENCIES = ("一般", "一般", "一般", "一般", "较急", "紧急")


def make_record(rng: random.Random, number: int) -> tuple[dict[str, Any], bool]:
    is_clue = rng.random() < 0.65
    if is_clue:
        kinds, kind_of_issue, department, template = rng.choice(LAW_RELATED)
        kind = rng.choice(kinds)
    else:
        kind, kind_of_issue, department, template = rng.choice(NOT_CLUES)
    place = places.any_place(rng)
    body = bodies.department(department, place)
    called_at = when.moment(rng)
    address = places.address(rng, place)
    content = template.format(
        body=body.name, addr=address, road=rng.choice(place.roads),
        village=places.village(rng, place), company=bodies.company(rng, place)[0],
        amount=rng.randint(8, 460), month=called_at.month,
    )
    anonymous = rng.random() < 0.12
    record = {
        "工单编号": f"SY{called_at:%y%m%d}{number:06d}",
        "来电时间": when.iso_datetime(called_at),
        "工单来源": rng.choice(SOURCES),
        "诉求类型": kind,
        "问题分类": kind_of_issue,
        "诉求内容": content,
        "诉求地址": address,
        "承办单位": body.name,
        "来电人": "匿名" if anonymous else people.polite_name(rng),
        "联系电话": people.mobile(rng) if rng.random() < 0.9 else people.landline(rng),
        "紧急程度": rng.choice(URGENCIES),
        "办理状态": rng.choice(STATES),
    }
    return record, is_clue


PROFILE = Profile(
    name="hotline",
    display_name_zh="12345政务服务便民热线",
    make_record=make_record,
    date_fields=("来电时间",),
    optional_fields=("工单来源", "诉求地址", "承办单位", "来电人", "联系电话", "紧急程度",
                     "办理状态"),
    breakages=(
        Breakage("诉求内容", blank),
        Breakage("来电时间", impossible_date),
        Breakage("工单编号", blank),
    ),
    reply_to="工单编号",
)


def generate_records(seed: int = 1, total: int = 500, *, with_truth: bool = False) -> list[Any]:
    """The work orders the simulator serves, without HTTP (see `_sim.generate`)."""
    return generate(PROFILE, seed, total, with_truth=with_truth)


def create_app(seed: int = 1, total: int = 500, page_size: int = 50) -> FastAPI:
    return create_simulator_app(PROFILE, seed, total, page_size)


# As the receiving agency: a transferred matter is handled and the caller's problem solved.
RECEIVER = Behaviour(steps=(
    Step("已转承办单位办理，来电人诉求已记录。"),
    Step("承办单位已整改，回访来电人表示满意。", kind="rectified", final=True),
), return_rate=0.15, late_rate=0.35)
