"""Every figure of the monthly report, defined once: key, label, definition, and its members
(the query is in `repository/members.py`, named for what it counts).

Times are the office's (Asia/Shanghai): a month runs from its first day 00:00 to the next
month's first day 00:00 there. "At month end" means that instant, or now for a month still
running. An area filter keeps the clues whose region code starts with the prefix, and the
hand-offs of those clues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.orm import Session

from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.handoffs.schemas import PERSON_KIND_LABELS, measure_label
from hub.normalize.classify import FIELD_LABELS
from hub.normalize.codes import load_divisions
from hub.review.decisions import KINDS as DECISION_KINDS

from . import repository as q
from .registry import Ctx, Figure, Rate, Registry, Row
from .scope import local_day

REGISTRY = Registry()
add = REGISTRY.add

HANDOFF_KINDS = {"assign": "交办", "refer": "移送", "transfer": "转交", "cc": "抄送"}
RETURNED_BY = {"receiver": "受理单位退回（非本单位职责）", "office": "办公室退回重办"}
OUTCOME_LABELS = {"case_opened": "立案", "no_case": "不予立案/了结", "accountability": "追责问责",
                  "sanction": "党纪政务处分", "org_handling": "组织处理", "rectified": "整改完成",
                  "partially_rectified": "部分整改", "cannot_rectify": "无法整改",
                  "resolved": "问题已解决", "other": "其他"}


# -- the records of a scope ----------------------------------------------------------------

def _labels(table: dict[str, str], **extra: str) -> Callable[[Session, list[str]], dict[str, str]]:
    merged = {**table, **extra}
    return lambda _session, groups: {g: merged.get(g, g) for g in groups}


def _region_labels(_session: Session, groups: list[str]) -> dict[str, str]:
    divisions = load_divisions()
    return {g: (divisions.full_name(g) or g) if g != "unknown" else "未识别地区" for g in groups}


def _body_labels(session: Session, groups: list[str]) -> dict[str, str]:
    names = q.body_names(session, [int(g) for g in groups if g.isdigit()])
    return {g: names.get(int(g), g) if g.isdigit() else g for g in groups}


def _cluster_labels(session: Session, groups: list[str]) -> dict[str, str]:
    titles = q.cluster_titles(session, [int(g) for g in groups if g.isdigit()])
    return {str(cid): title for cid, title in titles.items()}


# -- clues received -------------------------------------------------------------------------

RECEIVED = "一、线索受理情况"

add(Figure("received_total", "收到线索总数", "本月（北京时间）平台收到的问题线索条数，"
           "不论来源渠道和处理状态。", RECEIVED, "clue",
           members=lambda c: q.clues_received(c.scope, "all"), compare=True, unit="条", unique_rows=True))
add(Figure("received_by_channel", "按来源渠道", "本月收到的线索，按报送渠道（12345热线、信访、"
           "纪委监委、法院等）分列。", RECEIVED, "clue",
           members=lambda c: q.clues_received(c.scope, "channel"), groups=_labels(CHANNEL_LABELS),
           compare=True, unit="条", unique_rows=True))
add(Figure("received_by_category", "按问题类别", "本月收到的线索，按问题类别分列；"
           "未能归类的计入“未分类”。", RECEIVED, "clue",
           members=lambda c: q.clues_received(c.scope, "category"),
           groups=_labels(CATEGORY_LABELS, unclassified="未分类"), compare=True, unit="条",
           unique_rows=True))
add(Figure("received_by_field", "按执法领域", "本月收到的线索，按所涉执法领域分列；"
           "正文未体现执法领域的计入“未识别领域”。", RECEIVED, "clue",
           members=lambda c: q.clues_received(c.scope, "field"),
           groups=_labels(FIELD_LABELS, none="未识别领域"), compare=True, unit="条", unique_rows=True))
add(Figure("received_by_region", "按行政区域", "本月收到的线索，按线索所属行政区划（县级）"
           "分列；无法确定地区的计入“未识别地区”。", RECEIVED, "clue",
           members=lambda c: q.clues_received(c.scope, "region"),
           groups=_region_labels, compare=True, unit="条", unique_rows=True))


add(Figure("received_by_subject", "被反映单位（前十位）", "本月收到的线索中，被反映单位已与"
           "单位名录匹配的，按单位统计线索条数，列前十位；一条线索反映多个单位的，各计一次。",
           RECEIVED, "clue", members=lambda c: q.subjects_of_clues_received(c.scope), groups=_body_labels, compare=True,
           top=10, unit="条", disjoint=False))


# -- dispositions ---------------------------------------------------------------------------

add(Figure("dispositions", "研判处置", "本月作出研判决定的线索，按决定类型（受理、交办、移送、"
           "转交、抄送、不予受理、合并）分列；同一线索本月多次决定的，以最后一次为准。",
           "二、研判处置情况", "clue", members=lambda c: q.last_decisions(c.scope),
           groups=_labels({k: label for k, (label, _) in DECISION_KINDS.items()}), unit="条",
           unique_rows=True))


# -- hand-offs ------------------------------------------------------------------------------

HANDOFFS = "三、移交办理情况"
kind_labels = _labels(HANDOFF_KINDS)


add(Figure("handoffs_sent", "本月移交", "本月发出的移交件（交办、移送、转交、抄送），按移交"
           "方式分列；一条线索移交多个单位的，每个受理单位计一件。", HANDOFFS, "handoff",
           members=lambda c: q.handoffs_sent(c.scope), groups=kind_labels, unique_rows=True))


def _acknowledged_in_time(ctx: Ctx) -> Iterable[Row]:
    for kind, id_, sent_at, acknowledged_at in q.handoffs_sent_acknowledged(ctx.session,
                                                                            ctx.scope):
        limit = ctx.calendar.add_working_days(local_day(sent_at), 1)
        if local_day(acknowledged_at) <= limit:
            yield kind, id_, None


add(Figure("handoffs_acknowledged_in_time", "一个工作日内签收", "本月发出的移交件中，受理单位"
           "在发出后一个工作日内（发出当日或下一个工作日）签收的件数。", HANDOFFS, "handoff",
           rows=_acknowledged_in_time, groups=kind_labels))


def _replied(ctx: Ctx, on_time: bool) -> Iterable[Row]:
    for kind, id_, replied_at, due_on in q.handoffs_final_replied(ctx.session, ctx.scope):
        if (local_day(replied_at) <= due_on) == on_time:
            yield kind, id_, None


add(Figure("handoffs_replied_on_time", "按期反馈", "本月作出办结反馈的移交件中，反馈日期不晚于"
           "办结期限（期限当日反馈视为按期）的件数。", HANDOFFS, "handoff",
           rows=lambda c: _replied(c, True), groups=kind_labels))
add(Figure("handoffs_replied_late", "逾期反馈", "本月作出办结反馈的移交件中，反馈日期晚于办结"
           "期限的件数（逾期天数按工作日计）。", HANDOFFS, "handoff",
           rows=lambda c: _replied(c, False), groups=kind_labels))


add(Figure("handoffs_open", "在办（未办结）", "截至月末（当月未结束的截至统计时）已发出、尚未"
           "销号办结且未撤销的移交件数，含以前月份发出的。", HANDOFFS, "handoff",
           members=lambda c: q.handoffs_open(c.scope), groups=kind_labels,
           unique_rows=True))


add(Figure("handoffs_overdue", "超期未反馈", "截至月末仍在办、已过办结期限而受理单位尚未作出"
           "办结反馈的移交件（抄送件、受理单位以非本单位职责退回的不计），逐件列明被反映单位、受理单位和超期工作日数。",
           HANDOFFS, "handoff", members=lambda c: q.handoffs_overdue(c.scope), groups=kind_labels, unique_rows=True))


add(Figure("handoffs_returned", "退回", "本月被退回的移交件：受理单位以非本单位职责退回的，"
           "和办公室审核反馈后退回重办的，分别统计。", HANDOFFS, "handoff",
           members=lambda c: q.handoffs_returned(c.scope), groups=_labels(RETURNED_BY), disjoint=False))
add(Figure("handoffs_closed", "本月办结", "本月经办公室验收销号（办结）的移交件数。", HANDOFFS,
           "handoff", groups=kind_labels,
           members=lambda c: q.handoffs_closed(c.scope), unique_rows=True))


# -- the bases of the rates -----------------------------------------------------------------

add(Figure("handoffs_due", "本月到期", "办结期限在本月内的移交件（抄送件、已撤销的不计）。",
           HANDOFFS, "handoff", members=lambda c: q.handoffs_due(c.scope), groups=kind_labels, unique_rows=True))
add(Figure("handoffs_due_closed", "本月到期且已办结", "办结期限在本月内、截至月末已验收销号的"
           "移交件数。", HANDOFFS, "handoff", groups=kind_labels,
           members=lambda c: q.handoffs_due(c.scope, closed=True), unique_rows=True))


def _due_on_time(ctx: Ctx) -> Iterable[Row]:
    for kind, id_, replied_at, due_on in q.handoffs_due_replied(ctx.session, ctx.scope):
        if local_day(replied_at) <= due_on:
            yield kind, id_, None


add(Figure("handoffs_due_on_time", "本月到期且按期反馈", "办结期限在本月内、在期限当日或之前"
           "作出办结反馈的移交件数。", HANDOFFS, "handoff", rows=_due_on_time, groups=kind_labels))


add(Figure("assign_replied", "本月交办件办结反馈", "本月作出办结反馈的交办件数。", HANDOFFS,
           "handoff", members=lambda c: q.assigns_replied(c.scope), groups=kind_labels))
add(Figure("assign_rectified", "本月交办件整改到位", "本月作出办结反馈的交办件中，办理结果为"
           "“整改完成”或“问题已解决”的件数。", HANDOFFS, "handoff", groups=kind_labels,
           members=lambda c: q.assigns_replied(c.scope, rectified=True)))

RATES = "四、办理质效"
REGISTRY.rate(Rate("completion_rate", "办结率", "办结期限在本月内的移交件中，截至月末已验收"
                   "销号的比例（本月到期且已办结 ÷ 本月到期）。", "handoffs_due_closed",
                   "handoffs_due"))
REGISTRY.rate(Rate("on_time_rate", "按期办结率", "办结期限在本月内的移交件中，在期限当日或之前"
                   "作出办结反馈的比例（本月到期且按期反馈 ÷ 本月到期）。", "handoffs_due_on_time",
                   "handoffs_due"))
REGISTRY.rate(Rate("rectification_rate", "整改率", "本月作出办结反馈的交办件中，整改完成或问题"
                   "已解决的比例（整改到位 ÷ 交办件办结反馈）。", "assign_rectified",
                   "assign_replied"))
REGISTRY.rate(Rate("acknowledgement_rate", "及时签收率", "本月发出的移交件中，一个工作日内签收"
                   "的比例（一个工作日内签收 ÷ 本月移交）。", "handoffs_acknowledged_in_time",
                   "handoffs_sent"))


# -- outcomes -------------------------------------------------------------------------------

OUTCOMES = "五、移送办理结果"


add(Figure("outcome_cases_opened", "立案", "本月收到的办理结果中，受理单位报告已立案的移交件数。",
           OUTCOMES, "handoff", members=lambda c: q.outcomes_received(c.scope, "case_opened")))
add(Figure("outcome_accountability", "追责问责人数", "本月收到的办理结果中报告追责问责的人数"
           "合计。", OUTCOMES, "handoff", measure="sum", unit="人",
           members=lambda c: q.outcomes_received(c.scope, "accountability")))
add(Figure("outcome_sanction", "党纪政务处分人数", "本月收到的办理结果中报告给予党纪政务处分的"
           "人数合计。", OUTCOMES, "handoff", measure="sum", unit="人",
           members=lambda c: q.outcomes_received(c.scope, "sanction")))
add(Figure("outcome_org_handling", "组织处理人数", "本月收到的办理结果中报告组织处理的人数合计。",
           OUTCOMES, "handoff", measure="sum", unit="人",
           members=lambda c: q.outcomes_received(c.scope, "org_handling")))
add(Figure("outcome_amount_recovered", "挽回（追缴）金额", "本月收到的办理结果中报告的挽回、"
           "追缴或退还金额合计（元）。", OUTCOMES, "handoff", measure="sum", unit="元",
           members=lambda c: q.outcomes_received(c.scope, "*", "amount_yuan")))



def _measure_labels(_session: Session, groups: list[str]) -> dict[str, str]:
    out = {}
    for group in groups:
        kind, _, measure = group.partition(":")
        out[group] = f"{PERSON_KIND_LABELS.get(kind, kind)}·{measure_label(kind, measure)}"
    return out


add(Figure("outcome_persons_by_kind", "处理人次（按类别）", "本月收到的办理结果中逐人登记的"
           "被处理人员，按党纪处分、政务处分、问责、组织处理分类计人次（一人受两类处理计两人次；"
           "只报人数、未逐人登记的不在此列）。", OUTCOMES, "handoff", unit="人次",
           unique_rows=True, members=lambda c: q.persons_in_outcomes(c.scope, "kind"),
           groups=_labels(PERSON_KIND_LABELS)))
add(Figure("outcome_persons_by_measure", "处理人次（按措施）", "本月收到的办理结果中逐人登记的"
           "被处理人员，按处理类别和措施（如政务处分·记过、问责·诫勉）计人次。", OUTCOMES,
           "handoff", unit="人次", unique_rows=True,
           members=lambda c: q.persons_in_outcomes(c.scope, "kind:measure"),
           groups=_measure_labels))

# -- clusters -------------------------------------------------------------------------------

CLUSTERS = "六、多渠道反映和反复出现的问题"


add(Figure("multi_channel_clusters", "多渠道反映的问题", "本月有新线索、且已由两个及以上渠道"
           "反映的同一问题（相似线索归并为一组），按组计数；列出每组的线索。", CLUSTERS, "clue",
           members=lambda c: q.cluster_members(c.scope, 2), total="groups", groups=_cluster_labels,
           unit="组"))
add(Figure("recurring_problems", "反复反映的问题（前十位）", "本月有新线索、累计被反映两次及"
           "以上的同一问题，按反映次数排列前十位。", CLUSTERS, "clue",
           members=lambda c: q.cluster_members(c.scope, 1), total="groups", groups=_cluster_labels,
           top=10, unit="组"))

TREND = ("received_total", "handoffs_closed", "handoffs_overdue")


# -- follow-up checks (回头看) ----------------------------------------------------------------

FOLLOWUPS = "七、回头看"
FINDING_LABELS = {"pending": "尚未回头看", "consolidated": "整改巩固", "rebound": "问题反弹"}


add(Figure("followups_due", "本月到期回头看", "回头看日期在本月内的已办结事项（已取消的不计），"
           "按截至月末的回头看结论分列。", FOLLOWUPS, "clue", members=lambda c: q.followups_due(c.scope),
           groups=_labels(FINDING_LABELS), unit="件"))
add(Figure("followups_done", "本月完成回头看", "本月记录了回头看结论的事项，按结论（整改巩固、"
           "问题反弹）分列。", FOLLOWUPS, "clue", members=lambda c: q.followups_done(c.scope),
           groups=_labels(FINDING_LABELS), unit="件"))


add(Figure("followups_rebound", "问题反弹", "本月回头看发现问题反弹、已重新交办的事项数。",
           FOLLOWUPS, "clue", members=lambda c: q.followups_done(c.scope, "rebound"), groups=_labels(FINDING_LABELS), unit="件"))
