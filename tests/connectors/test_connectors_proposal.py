"""建议提案: the seventh partner system. What becomes a clue, the deputy or member as reporter,
the handling unit as subject, the reply deadline kept; and replies written back onto a record
of a simulator over real HTTP (办理结果回复), once per delivery."""

from __future__ import annotations

import pytest

from connectors._common.reply import OutcomeReply
from connectors.base import MappingError, make_client
from connectors.proposal.mapper import to_clue
from connectors.registry import get
from hub.contract.v1 import ClueSubmission

PROPOSAL = {
    "建议提案编号": " ＪＹ２０２６００１２ ",
    "类别": "人大代表建议",
    "届次": "十堰市第七届人民代表大会第五次会议",
    "案由": "关于规范交通运输执法行为的建议",
    "内容": "郧西县交通运输局执法人员在３１６国道随意拦车罚款，罚款不开票。建议推行执法全过程记录。",
    "领衔人": "李建国",
    "代表团或界别": "郧西县代表团",
    "联系电话": "13912345678",
    "主题分类": "行政执法",
    "承办单位": "郧西县交通运输局",
    "交办日期": "2026年3月20日",
    "答复期限": "2026/6/18",
    "办理状态": "办理中",
}


def test_a_deputys_proposal_becomes_a_clue_with_its_deadline():
    clue = to_clue(dict(PROPOSAL))
    ClueSubmission.model_validate(clue)
    assert clue["channel"] == "proposal" and clue["source_ref"] == "JY20260012"
    assert clue["reported_at"] == "2026-03-20T00:00:00+08:00"
    assert clue["title"] == "代表建议：关于规范交通运输执法行为的建议"
    assert clue["reporter"] == {"anonymous": False, "name": "李建国", "phone": "13912345678"}
    assert clue["subjects"] == [{"name": "郧西县交通运输局", "region_code": "420322"}]
    assert clue["references"] == [{"kind": "ticket", "value": "JY20260012"}]
    assert clue["category"] == "enforcement" and clue["region_code"] == "420322"
    assert clue["extra"]["答复期限"] == "2026/6/18" and clue["extra"]["类别"] == "人大代表建议"
    assert not {"领衔人", "联系电话"} & set(clue["extra"])


def test_a_cppcc_proposal_on_tourism_is_not_a_clue():
    assert to_clue({**PROPOSAL, "类别": "政协委员提案", "主题分类": "文化旅游"}) is None


@pytest.mark.parametrize(("field", "value"), [("建议提案编号", ""), ("内容", "  "),
                                              ("交办日期", "2026-02-30")])
def test_a_malformed_proposal_is_refused_naming_the_field(field, value):
    with pytest.raises(MappingError) as caught:
        to_clue({**PROPOSAL, field: value})
    assert caught.value.field == field and str(caught.value).startswith(f"{field}：")


REPLY = OutcomeReply(source_ref="", clue="XS-2026-000001", handoff="JB-2026-000001",
                     outcome="sanction", outcome_label="党纪政务处分", summary="已对两名责任人给予处分。",
                     handled_by="郧西县交通运输局", verified_at="2026-11-02T10:00:00+08:00",
                     persons=2)


@pytest.mark.parametrize("name", ["hotline", "petition", "proposal"])
def test_a_simulator_keeps_one_reply_per_delivery_on_its_record(name, serve):
    spec = get(name)
    with serve(spec.simulator(seed=3, total=40, page_size=20)) as url, \
            make_client(url, timeout=5) as http:
        record = spec.fetch_page(http, None, 20).records[0]
        ref = str(record[spec.source_ref_field]).strip()
        body = spec.reply(OutcomeReply(**{**REPLY.__dict__, "source_ref": ref}))
        assert spec.source_ref_field in body and "涉及 2 人" in body["回复内容"]
        path = spec.reply_path.format(ref=ref)
        first = http.post(path, json=body, headers={"X-Hub-Delivery": "d-1"})
        again = http.post(path, json=body, headers={"X-Hub-Delivery": "d-1"})
        assert (first.status_code, again.status_code) == (201, 200)
        held = http.get(path).json()["replies"]
        assert len(held) == 1 and held[0]["body"]["回复内容"] == body["回复内容"]
        assert http.post("/records/NO-SUCH/replies", json=body).status_code == 404
        assert http.post(path, json={"回复内容": " "}).status_code == 422


def test_a_system_without_replies_has_no_reply_route(serve):
    spec = get("court")
    with serve(spec.simulator(seed=3, total=5)) as url, make_client(url, timeout=5) as http:
        assert http.post("/records/x/replies", json={"回复内容": "好"}).status_code in (404, 405)
