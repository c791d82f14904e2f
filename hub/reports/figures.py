"""Every figure of the monthly report, defined once: key, label, definition, query.

Times are the office's (Asia/Shanghai): a month runs from its first day 00:00 to the next
month's first day 00:00 there. "At month end" means that instant, or now for a month still
running. An area filter keeps the clues whose region code starts with the prefix, and the
hand-offs of those clues.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from hub.contract.v1 import CATEGORY_LABELS, CHANNEL_LABELS
from hub.correlate.models import ClueCluster, Cluster
from hub.db.models import Clue
from hub.directory.models import Body
from hub.handoffs.models import Handoff, HandoffEvent, HandoffReply
from hub.normalize.classify import FIELD_LABELS
from hub.normalize.codes import load_divisions
from hub.review.decisions import KINDS as DECISION_KINDS
from hub.review.models import Decision

from .registry import ALL, Ctx, Figure, Rate, Registry, Row
from .scope import local_day

REGISTRY = Registry()
add = REGISTRY.add

HANDOFF_KINDS = {"assign": "交办", "refer": "移送", "transfer": "转交", "cc": "抄送"}
RETURNED_BY = {"receiver": "受理单位退回（非本单位职责）", "office": "办公室退回重办"}
RECTIFIED = ("rectified", "resolved")
OUTCOME_LABELS = {"case_opened": "立案", "no_case": "不予立案/了结", "accountability": "追责问责",
                  "sanction": "党纪政务处分", "org_handling": "组织处理", "rectified": "整改完成",
                  "partially_rectified": "部分整改", "cannot_rectify": "无法整改",
                  "resolved": "问题已解决", "other": "其他"}


# -- the records of a scope ----------------------------------------------------------------

def _in_area(ctx: Ctx) -> ColumnElement[bool]:
    """Codes starting with the prefix, as a range (digits only), so the index serves it."""
    prefix = ctx.scope.prefix
    if not prefix:
        return true()
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return and_(Clue.region_code >= prefix, Clue.region_code < upper)


def _received(ctx: Ctx, grp: ColumnElement) -> Select:
    s = ctx.scope
    return select(grp.label("grp"), Clue.id.label("id")).where(
        Clue.received_at >= s.start, Clue.received_at < s.end, _in_area(ctx))


def _handoffs(ctx: Ctx, grp: ColumnElement, *where: ColumnElement[bool]) -> Select:
    query = select(grp.label("grp"), Handoff.id.label("id")).where(*where)
    return _handoffs_in_area(ctx, query)


def _handoffs_in_area(ctx: Ctx, query: Select) -> Select:
    """Hand-offs of the area's clues; the whole area needs no join (a million clues)."""
    if not ctx.scope.prefix:
        return query
    return query.join(Clue, Clue.id == Handoff.clue_id).where(_in_area(ctx))


def _labels(table: dict[str, str], **extra: str) -> Callable[[Session, list[str]], dict[str, str]]:
    merged = {**table, **extra}
    return lambda _session, groups: {g: merged.get(g, g) for g in groups}


def _region_labels(_session: Session, groups: list[str]) -> dict[str, str]:
    divisions = load_divisions()
    return {g: (divisions.full_name(g) or g) if g != "unknown" else "未识别地区" for g in groups}


def _body_labels(session: Session, groups: list[str]) -> dict[str, str]:
    wanted = [int(g) for g in groups if g.isdigit()]
    query = select(Body.id, Body.name).where(Body.id.in_(wanted))
    names = dict(session.execute(query).tuples().all()) if wanted else {}
    return {g: names.get(int(g), g) if g.isdigit() else g for g in groups}


def _cluster_labels(session: Session, groups: list[str]) -> dict[str, str]:
    wanted = [int(g) for g in groups if g.isdigit()]
    if not wanted:
        return {}
    rows = session.execute(select(Cluster.id, Clue.title)
                           .join(Clue, Clue.id == Cluster.lead_clue_id)
                           .where(Cluster.id.in_(wanted)))
    return {str(cid): title for cid, title in rows.tuples()}


# -- clues received -------------------------------------------------------------------------

RECEIVED = "一、线索受理情况"

add(Figure("received_total", "收到线索总数", "本月（北京时间）平台收到的问题线索条数，"
           "不论来源渠道和处理状态。", RECEIVED, "clue",
           members=lambda c: _received(c, literal(ALL)), compare=True, unit="条", unique_rows=True))
add(Figure("received_by_channel", "按来源渠道", "本月收到的线索，按报送渠道（12345热线、信访、"
           "纪委监委、法院等）分列。", RECEIVED, "clue",
           members=lambda c: _received(c, Clue.channel), groups=_labels(CHANNEL_LABELS),
           compare=True, unit="条", unique_rows=True))
add(Figure("received_by_category", "按问题类别", "本月收到的线索，按问题类别分列；"
           "未能归类的计入“未分类”。", RECEIVED, "clue",
           members=lambda c: _received(c, func.coalesce(Clue.category, "unclassified")),
           groups=_labels(CATEGORY_LABELS, unclassified="未分类"), compare=True, unit="条",
           unique_rows=True))
add(Figure("received_by_field", "按执法领域", "本月收到的线索，按所涉执法领域分列；"
           "正文未体现执法领域的计入“未识别领域”。", RECEIVED, "clue",
           members=lambda c: _received(c, func.coalesce(Clue.field, "none")),
           groups=_labels(FIELD_LABELS, none="未识别领域"), compare=True, unit="条", unique_rows=True))
add(Figure("received_by_region", "按行政区域", "本月收到的线索，按线索所属行政区划（县级）"
           "分列；无法确定地区的计入“未识别地区”。", RECEIVED, "clue",
           members=lambda c: _received(c, func.coalesce(Clue.region_code, "unknown")),
           groups=_region_labels, compare=True, unit="条", unique_rows=True))


def _subject_members(ctx: Ctx) -> Select:
    """One row per (subject unit resolved to the directory, clue)."""
    if ctx.scope.dialect == "postgresql":
        item = func.jsonb_array_elements(Clue.subjects).table_valued("value").alias("subject")
        body = item.c.value.op("->>")("body_id")
    else:
        item = func.json_each(Clue.subjects).table_valued("value").alias("subject")
        body = func.json_extract(item.c.value, "$.body_id")
    s = ctx.scope
    return (select(cast(body, String).label("grp"), Clue.id.label("id"))
            .select_from(Clue).join(item, true())
            .where(Clue.received_at >= s.start, Clue.received_at < s.end, _in_area(ctx),
                   body.is_not(None)))


add(Figure("received_by_subject", "被反映单位（前十位）", "本月收到的线索中，被反映单位已与"
           "单位名录匹配的，按单位统计线索条数，列前十位；一条线索反映多个单位的，各计一次。",
           RECEIVED, "clue", members=_subject_members, groups=_body_labels, compare=True,
           top=10, unit="条", disjoint=False))


# -- dispositions ---------------------------------------------------------------------------

def _dispositions(ctx: Ctx) -> Select:
    s = ctx.scope
    latest = (select(func.max(Decision.id)).where(Decision.decided_at >= s.start,
                                                  Decision.decided_at < s.end)
              .group_by(Decision.clue_id))
    return (select(Decision.kind.label("grp"), Decision.clue_id.label("id"))
            .join(Clue, Clue.id == Decision.clue_id)
            .where(Decision.id.in_(latest), _in_area(ctx)))


add(Figure("dispositions", "研判处置", "本月作出研判决定的线索，按决定类型（受理、交办、移送、"
           "转交、抄送、不予受理、合并）分列；同一线索本月多次决定的，以最后一次为准。",
           "二、研判处置情况", "clue", members=_dispositions,
           groups=_labels({k: label for k, (label, _) in DECISION_KINDS.items()}), unit="条",
           unique_rows=True))


# -- hand-offs ------------------------------------------------------------------------------

HANDOFFS = "三、移交办理情况"
kind_labels = _labels(HANDOFF_KINDS)


def _sent(ctx: Ctx) -> Select:
    s = ctx.scope
    return _handoffs(ctx, Handoff.kind, Handoff.sent_at >= s.start, Handoff.sent_at < s.end)


add(Figure("handoffs_sent", "本月移交", "本月发出的移交件（交办、移送、转交、抄送），按移交"
           "方式分列；一条线索移交多个单位的，每个受理单位计一件。", HANDOFFS, "handoff",
           members=_sent, groups=kind_labels, unique_rows=True))


def _acknowledged_in_time(ctx: Ctx) -> Iterable[Row]:
    query = _sent(ctx).add_columns(Handoff.sent_at, Handoff.acknowledged_at)
    for kind, id_, sent_at, acknowledged_at in ctx.session.execute(
            query.where(Handoff.acknowledged_at.is_not(None))):
        limit = ctx.calendar.add_working_days(local_day(sent_at), 1)
        if local_day(acknowledged_at) <= limit:
            yield kind, id_, None


add(Figure("handoffs_acknowledged_in_time", "一个工作日内签收", "本月发出的移交件中，受理单位"
           "在发出后一个工作日内（发出当日或下一个工作日）签收的件数。", HANDOFFS, "handoff",
           rows=_acknowledged_in_time, groups=kind_labels))


def _final_replied(ctx: Ctx) -> Select:
    s = ctx.scope
    return _handoffs(ctx, Handoff.kind, Handoff.replied_at >= s.start, Handoff.replied_at < s.end,
                     Handoff.due_on.is_not(None)).add_columns(Handoff.replied_at, Handoff.due_on)


def _replied(ctx: Ctx, on_time: bool) -> Iterable[Row]:
    for kind, id_, replied_at, due_on in ctx.session.execute(_final_replied(ctx)):
        if (local_day(replied_at) <= due_on) == on_time:
            yield kind, id_, None


add(Figure("handoffs_replied_on_time", "按期反馈", "本月作出办结反馈的移交件中，反馈日期不晚于"
           "办结期限（期限当日反馈视为按期）的件数。", HANDOFFS, "handoff",
           rows=lambda c: _replied(c, True), groups=kind_labels))
add(Figure("handoffs_replied_late", "逾期反馈", "本月作出办结反馈的移交件中，反馈日期晚于办结"
           "期限的件数（逾期天数按工作日计）。", HANDOFFS, "handoff",
           rows=lambda c: _replied(c, False), groups=kind_labels))


def _open_at_cutoff(ctx: Ctx) -> list[ColumnElement[bool]]:
    cutoff = ctx.scope.cutoff
    return [Handoff.sent_at < cutoff, Handoff.state != "cancelled",
            or_(Handoff.closed_at.is_(None), Handoff.closed_at >= cutoff)]


add(Figure("handoffs_open", "在办（未办结）", "截至月末（当月未结束的截至统计时）已发出、尚未"
           "销号办结且未撤销的移交件数，含以前月份发出的。", HANDOFFS, "handoff",
           members=lambda c: _handoffs(c, Handoff.kind, *_open_at_cutoff(c)), groups=kind_labels,
           unique_rows=True))


def _overdue(ctx: Ctx) -> Select:
    cutoff = ctx.scope.cutoff
    return _handoffs(ctx, Handoff.kind, *_open_at_cutoff(ctx), Handoff.kind != "cc",
                     Handoff.due_on < ctx.scope.cutoff_day,
                     # returned by the receiver as not theirs: the office acts next, not them
                     or_(Handoff.state != "returned", Handoff.returned_by == "office"),
                     or_(Handoff.replied_at.is_(None), Handoff.replied_at >= cutoff))


add(Figure("handoffs_overdue", "超期未反馈", "截至月末仍在办、已过办结期限而受理单位尚未作出"
           "办结反馈的移交件（抄送件、受理单位以非本单位职责退回的不计），逐件列明被反映单位、受理单位和超期工作日数。",
           HANDOFFS, "handoff", members=_overdue, groups=kind_labels, unique_rows=True))


def _returned_members(ctx: Ctx) -> Select:
    s = ctx.scope
    grp = case((HandoffEvent.action == "send_back", "office"), else_="receiver")
    return _handoffs_in_area(ctx, select(grp.label("grp"), Handoff.id.label("id"))
                             .join(HandoffEvent, HandoffEvent.handoff_id == Handoff.id)
                             .where(HandoffEvent.at >= s.start, HandoffEvent.at < s.end,
                                    HandoffEvent.action.in_(("return", "send_back"))))


add(Figure("handoffs_returned", "退回", "本月被退回的移交件：受理单位以非本单位职责退回的，"
           "和办公室审核反馈后退回重办的，分别统计。", HANDOFFS, "handoff",
           members=_returned_members, groups=_labels(RETURNED_BY), disjoint=False))
add(Figure("handoffs_closed", "本月办结", "本月经办公室验收销号（办结）的移交件数。", HANDOFFS,
           "handoff", groups=kind_labels,
           members=lambda c: _handoffs(c, Handoff.kind, Handoff.closed_at >= c.scope.start,
                                       Handoff.closed_at < c.scope.end), unique_rows=True))


# -- the bases of the rates -----------------------------------------------------------------

def _due(ctx: Ctx, *where: ColumnElement[bool]) -> Select:
    s = ctx.scope
    return _handoffs(ctx, Handoff.kind, Handoff.kind != "cc", Handoff.state != "cancelled",
                     Handoff.due_on >= s.first_day, Handoff.due_on <= s.last_day, *where)


add(Figure("handoffs_due", "本月到期", "办结期限在本月内的移交件（抄送件、已撤销的不计）。",
           HANDOFFS, "handoff", members=_due, groups=kind_labels, unique_rows=True))
add(Figure("handoffs_due_closed", "本月到期且已办结", "办结期限在本月内、截至月末已验收销号的"
           "移交件数。", HANDOFFS, "handoff", groups=kind_labels,
           members=lambda c: _due(c, Handoff.closed_at < c.scope.cutoff), unique_rows=True))


def _due_on_time(ctx: Ctx) -> Iterable[Row]:
    query = _due(ctx, Handoff.replied_at < ctx.scope.cutoff).add_columns(
        Handoff.replied_at, Handoff.due_on)
    for kind, id_, replied_at, due_on in ctx.session.execute(query):
        if local_day(replied_at) <= due_on:
            yield kind, id_, None


add(Figure("handoffs_due_on_time", "本月到期且按期反馈", "办结期限在本月内、在期限当日或之前"
           "作出办结反馈的移交件数。", HANDOFFS, "handoff", rows=_due_on_time, groups=kind_labels))


def _assign_final(ctx: Ctx, *where: ColumnElement[bool]) -> Select:
    s = ctx.scope
    return _handoffs(ctx, Handoff.kind, Handoff.kind == "assign", Handoff.replied_at >= s.start,
                     Handoff.replied_at < s.end, *where)


_rectified = exists().where(HandoffReply.handoff_id == Handoff.id, HandoffReply.final.is_(True),
                            HandoffReply.outcome.in_(RECTIFIED))
add(Figure("assign_replied", "本月交办件办结反馈", "本月作出办结反馈的交办件数。", HANDOFFS,
           "handoff", members=_assign_final, groups=kind_labels))
add(Figure("assign_rectified", "本月交办件整改到位", "本月作出办结反馈的交办件中，办理结果为"
           "“整改完成”或“问题已解决”的件数。", HANDOFFS, "handoff", groups=kind_labels,
           members=lambda c: _assign_final(c, _rectified)))

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


def _outcome(ctx: Ctx, outcome: str, amount: ColumnElement | None = None) -> Select:
    s = ctx.scope
    value = amount if amount is not None else HandoffReply.persons
    query = _handoffs_in_area(ctx, select(literal(ALL).label("grp"), Handoff.id.label("id"),
                                          value.label("amount"))
                              .join(HandoffReply, HandoffReply.handoff_id == Handoff.id)
                              .where(HandoffReply.received_at >= s.start,
                                     HandoffReply.received_at < s.end))
    if outcome != "*":
        query = query.where(HandoffReply.outcome == outcome)
    return query


add(Figure("outcome_cases_opened", "立案", "本月收到的办理结果中，受理单位报告已立案的移交件数。",
           OUTCOMES, "handoff", members=lambda c: _outcome(c, "case_opened")))
add(Figure("outcome_accountability", "追责问责人数", "本月收到的办理结果中报告追责问责的人数"
           "合计。", OUTCOMES, "handoff", measure="sum", unit="人",
           members=lambda c: _outcome(c, "accountability")))
add(Figure("outcome_sanction", "党纪政务处分人数", "本月收到的办理结果中报告给予党纪政务处分的"
           "人数合计。", OUTCOMES, "handoff", measure="sum", unit="人",
           members=lambda c: _outcome(c, "sanction")))
add(Figure("outcome_org_handling", "组织处理人数", "本月收到的办理结果中报告组织处理的人数合计。",
           OUTCOMES, "handoff", measure="sum", unit="人",
           members=lambda c: _outcome(c, "org_handling")))
add(Figure("outcome_amount_recovered", "挽回（追缴）金额", "本月收到的办理结果中报告的挽回、"
           "追缴或退还金额合计（元）。", OUTCOMES, "handoff", measure="sum", unit="元",
           members=lambda c: _outcome(c, "*", HandoffReply.amount_yuan).where(
               HandoffReply.amount_yuan.is_not(None))))


# -- clusters -------------------------------------------------------------------------------

CLUSTERS = "六、多渠道反映和反复出现的问题"


def _cluster_members(ctx: Ctx, min_channels: int) -> Select:
    s = ctx.scope
    live = and_(Cluster.id == ClueCluster.cluster_id, Cluster.merged_into_id.is_(None))
    # Only clusters with a clue of this month are looked at (found through received_at).
    this_month = (select(ClueCluster.cluster_id).join(Clue, Clue.id == ClueCluster.clue_id)
                  .where(Clue.received_at >= s.start, Clue.received_at < s.end, _in_area(ctx)))
    qualifying = (select(ClueCluster.cluster_id).join(Cluster, live)
                  .join(Clue, Clue.id == ClueCluster.clue_id)
                  .where(_in_area(ctx), ClueCluster.cluster_id.in_(this_month))
                  .group_by(ClueCluster.cluster_id)
                  .having(func.count(func.distinct(Clue.channel)) >= min_channels,
                          func.count(Clue.id) >= 2))
    return (select(ClueCluster.cluster_id.label("grp"), ClueCluster.clue_id.label("id"))
            .join(Clue, Clue.id == ClueCluster.clue_id)
            .where(_in_area(ctx), ClueCluster.cluster_id.in_(qualifying)))


add(Figure("multi_channel_clusters", "多渠道反映的问题", "本月有新线索、且已由两个及以上渠道"
           "反映的同一问题（相似线索归并为一组），按组计数；列出每组的线索。", CLUSTERS, "clue",
           members=lambda c: _cluster_members(c, 2), total="groups", groups=_cluster_labels,
           unit="组"))
add(Figure("recurring_problems", "反复反映的问题（前十位）", "本月有新线索、累计被反映两次及"
           "以上的同一问题，按反映次数排列前十位。", CLUSTERS, "clue",
           members=lambda c: _cluster_members(c, 1), total="groups", groups=_cluster_labels,
           top=10, unit="组"))

TREND = ("received_total", "handoffs_closed", "handoffs_overdue")


# -- follow-up checks (回头看) ----------------------------------------------------------------

FOLLOWUPS = "七、回头看"
FINDING_LABELS = {"pending": "尚未回头看", "consolidated": "整改巩固", "rebound": "问题反弹"}


def _followups(ctx: Ctx, grp: ColumnElement, *where: ColumnElement[bool]) -> Select:
    from hub.followups.models import FollowUp

    query = select(grp.label("grp"), FollowUp.clue_id.label("id")).where(*where)
    if ctx.scope.prefix:
        query = query.join(Clue, Clue.id == FollowUp.clue_id).where(_in_area(ctx))
    return query


def _followups_due(ctx: Ctx) -> Select:
    from hub.followups.models import FollowUp

    s = ctx.scope
    pending = or_(FollowUp.done_at.is_(None), FollowUp.done_at >= s.cutoff)
    grp = case((pending, "pending"), else_=func.coalesce(FollowUp.finding, "pending"))
    return _followups(ctx, grp, FollowUp.state != "cancelled", FollowUp.due_on >= s.first_day,
                      FollowUp.due_on <= s.last_day)


def _followups_done(ctx: Ctx, *where: ColumnElement[bool]) -> Select:
    from hub.followups.models import FollowUp

    s = ctx.scope
    return _followups(ctx, FollowUp.finding, FollowUp.state == "done",
                      FollowUp.done_at >= s.start, FollowUp.done_at < s.end, *where)


add(Figure("followups_due", "本月到期回头看", "回头看日期在本月内的已办结事项（已取消的不计），"
           "按截至月末的回头看结论分列。", FOLLOWUPS, "clue", members=_followups_due,
           groups=_labels(FINDING_LABELS), unit="件"))
add(Figure("followups_done", "本月完成回头看", "本月记录了回头看结论的事项，按结论（整改巩固、"
           "问题反弹）分列。", FOLLOWUPS, "clue", members=_followups_done,
           groups=_labels(FINDING_LABELS), unit="件"))


def _rebounds(ctx: Ctx) -> Select:
    from hub.followups.models import FollowUp

    return _followups_done(ctx, FollowUp.finding == "rebound")


add(Figure("followups_rebound", "问题反弹", "本月回头看发现问题反弹、已重新交办的事项数。",
           FOLLOWUPS, "clue", members=_rebounds, groups=_labels(FINDING_LABELS), unit="件"))
