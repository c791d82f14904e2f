"""What becomes a clue and what does not, and the dirt each mapper cleans, on hand-written
records as partner systems send them."""

from __future__ import annotations

import pytest

from connectors.admin_review.mapper import to_clue as admin_review_clue
from connectors.base import MappingError
from connectors.court.mapper import to_clue as court_clue
from connectors.discipline.mapper import split_unit
from connectors.discipline.mapper import to_clue as discipline_clue
from connectors.hotline.mapper import to_clue as hotline_clue
from connectors.petition.mapper import to_clue as petition_clue
from connectors.procuratorate.mapper import to_clue as procuratorate_clue
from hub.contract.v1 import ClueSubmission

WORK_ORDER = {
    "工单编号": "ＳＹ２６１００８０００１２３ ",
    "来电时间": "2026年10月8日 9时30分",
    "诉求类型": "投诉",
    "问题分类": "行政执法",
    "诉求内容": " 来电人反映，郧西县市场监督管理局执法人员当场罚款２０００元，未出具处罚决定书。\u3000",
    "诉求地址": "十堰市郧西县城关镇天河大道１２号",
    "承办单位": "郧西县市场监督管理局",
    "来电人": "王女士 ",
    "联系电话": "１３８１２３４５６７８",
    "紧急程度": "紧急",
}


def test_a_dirty_work_order_comes_out_clean():
    clue = hotline_clue(dict(WORK_ORDER))
    ClueSubmission.model_validate(clue)
    assert clue["source_ref"] == "SY261008000123"
    assert clue["reported_at"] == "2026-10-08T09:30:00+08:00"
    assert clue["content"].startswith("来电人反映") and "罚款2000元" in clue["content"]
    assert clue["region_code"] == "420322"
    assert clue["subjects"] == [{"name": "郧西县市场监督管理局", "region_code": "420322"}]
    assert clue["reporter"] == {"anonymous": False, "name": "王女士", "phone": "13812345678"}
    assert clue["references"] == [{"kind": "ticket", "value": "SY261008000123"}]
    assert clue["category"] == "enforcement" and clue["urgency"] == "urgent"
    assert clue["title"].startswith("12345投诉：郧西县市场监督管理局执法人员当场罚款2000元")


def test_a_bus_timetable_question_is_not_a_clue():
    record = {**WORK_ORDER, "诉求类型": "咨询", "问题分类": "公共交通",
              "诉求内容": "来电人咨询从北京路到十堰火车站的公交线路及首末班时间。"}
    assert hotline_clue(record) is None


def test_an_anonymous_caller_is_marked_so():
    clue = hotline_clue({**WORK_ORDER, "来电人": "匿名", "联系电话": ""})
    assert clue["reporter"] == {"anonymous": True}


def test_a_bad_phone_is_dropped_and_noted_not_fatal():
    clue = hotline_clue({**WORK_ORDER, "联系电话": "12345"})
    assert "phone" not in clue["reporter"]
    assert clue["extra"]["校验未通过字段"] == ["联系电话"]
    ClueSubmission.model_validate(clue)


@pytest.mark.parametrize(("field", "value", "words"), [
    ("诉求内容", "   ", "该字段为空"),
    ("来电时间", "2026-02-30 10:00:00", "不是有效的日期"),
    ("来电时间", "2026年13月8日", "不是有效的日期"),
    ("工单编号", None, "该字段为空"),
])
def test_a_malformed_work_order_is_refused_naming_the_field(field, value, words):
    with pytest.raises(MappingError) as caught:
        hotline_clue({**WORK_ORDER, field: value})
    assert caught.value.field == field and words in caught.value.message_zh


def test_a_missing_field_is_refused_as_missing():
    record = dict(WORK_ORDER)
    del record["诉求内容"]
    with pytest.raises(MappingError, match="诉求内容：缺少该字段"):
        hotline_clue(record)


def test_a_record_that_is_not_an_object_is_refused():
    with pytest.raises(MappingError) as caught:
        hotline_clue(["SY1"])  # type: ignore[arg-type]
    assert caught.value.field == "记录"


PETITION = {
    "信访件编号": "XF4203232025000042", "登记日期": "2025/3/5", "信访形式": "来访",
    "信访人": "张伟等12人", "证件号码": "42032319800101001X", "联系电话": "",
    "信访人数": 12, "反映问题": "信访人反映，竹山县宝丰镇人民政府强行拆除其房屋，未作出征收决定。",
    "问题属地": "十堰市竹山县", "涉及单位": "竹山县宝丰镇人民政府", "问题类别": "征地拆迁",
    "信访目的": "揭发控告",
}


def test_a_group_petition_about_a_demolition_is_an_important_clue():
    clue = petition_clue(dict(PETITION))
    assert clue["urgency"] == "important" and clue["category"] == "decision"
    assert clue["region_code"] == "420323"
    assert clue["reporter"]["name"] == "张伟等12人"
    # The ID number's check character is wrong here: dropped and noted, the clue still goes.
    assert "id_number" not in clue["reporter"]
    assert clue["extra"]["校验未通过字段"] == ["证件号码"]


def test_a_suggestion_or_a_private_dispute_is_not_a_clue():
    assert petition_clue({**PETITION, "信访目的": "意见建议"}) is None
    assert petition_clue({**PETITION, "问题类别": "邻里纠纷"}) is None


def test_discipline_clues_keep_the_unit_not_the_person():
    record = {"线索编号": "XS420322-2025-00007", "受理日期": "2025-06-01",
              "反映对象": "李明", "单位职务": "十堰市生态环境局郧西分局执法大队大队长",
              "问题类别": "不作为慢作为", "线索摘要": "反映李某某对非法采砂长期不查处。",
              "处置方式": "初步核实"}
    clue = discipline_clue(record)
    assert clue["subjects"][0]["name"] == "十堰市生态环境局郧西分局"
    assert "李明" not in str(clue)
    assert discipline_clue({**record, "问题类别": "违反中央八项规定精神"}) is None


@pytest.mark.parametrize(("text", "unit", "position"), [
    ("郧西县市场监督管理局执法大队大队长", "郧西县市场监督管理局", "执法大队大队长"),
    ("竹山县宝丰镇人民政府副镇长", "竹山县宝丰镇人民政府", "副镇长"),
    ("十堰市卫生健康委员会副主任", "十堰市卫生健康委员会", "副主任"),
    ("张湾区车城路街道办事处主任", "张湾区车城路街道办事处", "主任"),
])
def test_the_unit_is_split_from_the_position(text, unit, position):
    assert split_unit(text) == (unit, position)


JUDGMENT = {
    "案号": "（２０２５）鄂０３２２行初１５号", "案件类别": "行政诉讼", "审理法院": "湖北省郧西县人民法院",
    "案由": "行政处罚", "原告": "王某", "被告": "郧西县市场监督管理局",
    "被告统一社会信用代码": "", "裁判结果": "驳回诉讼请求", "裁判日期": "2025年9月1日",
    "负责人是否出庭": "是",
}


def test_a_case_the_government_won_with_its_head_in_court_is_not_a_clue():
    assert court_clue(dict(JUDGMENT)) is None
    assert court_clue({**JUDGMENT, "裁判结果": "维持"}) is None


def test_a_lost_case_or_an_absent_head_is_a_clue_with_the_canonical_case_number():
    lost = court_clue({**JUDGMENT, "裁判结果": "撤销"})
    assert lost["source_ref"] == "(2025)鄂0322行初15号"
    assert lost["references"] == [{"kind": "case_number", "value": "(2025)鄂0322行初15号"}]
    assert lost["region_code"] == "420322" and lost["category"] == "enforcement"
    absent = court_clue({**JUDGMENT, "负责人是否出庭": "否"})
    assert "行政机关负责人未出庭应诉" in absent["title"]
    assert absent["category"] == "official_conduct"


def test_a_civil_case_is_not_the_office_concern():
    assert court_clue({**JUDGMENT, "案号": "(2025)鄂0322民初15号"}) is None


def test_a_bad_case_number_is_refused():
    with pytest.raises(MappingError) as caught:
        court_clue({**JUDGMENT, "案号": "(2025)鄂0322行初号"})
    assert caught.value.field == "案号" and "案号" in caught.value.message_zh


def test_enforcement_against_a_government_is_a_clue_with_both_case_numbers():
    clue = court_clue({"案号": "(2026)鄂03执7号", "案件类别": "执行", "被执行人": "房县人民政府",
                       "执行依据": "(2025)鄂0325行初3号", "执行标的金额": "125000.00",
                       "立案日期": "2026-03-02", "执行状态": "终结本次执行"})
    assert clue["title"] == "房县人民政府被申请强制执行：执行标的12.5万元"
    assert [r["value"] for r in clue["references"]] == ["(2026)鄂03执7号", "(2025)鄂0325行初3号"]
    assert clue["region_code"] == "420300"
    assert clue["subjects"][0]["region_code"] == "420325"
    assert clue["category"] == "judgment_compliance" and clue["urgency"] == "important"


RECOMMENDATION = {
    "文号": "郧西检行建［2024］5号", "发文单位": "湖北省郧西县人民检察院",
    "被建议单位": "郧西县自然资源和规划局", "建议类型": "行政检察",
    "建议内容": "建议依法履行耕地保护监管职责。", "发出日期": "2024-03-01",
    "回复期限": "2024-05-01", "回复日期": "2024-04-20", "回复情况": "已按期回复",
    "整改情况": "已整改",
}


def test_a_recommendation_answered_on_time_and_acted_on_is_not_a_clue():
    assert procuratorate_clue(dict(RECOMMENDATION)) is None
    no_state = {k: v for k, v in RECOMMENDATION.items() if k != "回复情况"}
    assert procuratorate_clue(no_state) is None  # judged by 回复日期 against 回复期限


def test_an_overdue_recommendation_is_an_urgent_clue():
    clue = procuratorate_clue({**RECOMMENDATION, "回复情况": "逾期未回复", "回复日期": "",
                               "整改情况": "未整改"})
    assert clue["source_ref"] == "郧西检行建〔2024〕5号"
    assert clue["urgency"] == "urgent" and clue["region_code"] == "420322"
    late = {k: v for k, v in RECOMMENDATION.items() if k != "回复情况"}
    assert procuratorate_clue({**late, "回复日期": "2024年5月20日"})["urgency"] == "important"


REVIEW = {
    "文号": "十政复决〔2025〕12号", "复议机关": "十堰市人民政府", "申请人": "十堰市鑫源物流有限公司",
    "被申请人": "十堰市交通运输局", "复议事项": "行政处罚", "原行政行为文号": "十交罚〔2025〕3号",
    "决定类型": "撤销", "决定日期": "2025-08-08", "决定要旨": "决定撤销被申请人作出的行政处罚决定。",
}


def test_a_review_that_revoked_an_act_is_a_clue_and_one_that_upheld_it_is_not():
    clue = admin_review_clue(dict(REVIEW))
    assert clue["category"] == "review_correction"
    assert [r["value"] for r in clue["references"]] == ["十政复决〔2025〕12号", "十交罚〔2025〕3号"]
    assert admin_review_clue({**REVIEW, "决定类型": "维持"}) is None
    assert admin_review_clue({**REVIEW, "决定类型": "驳回"}) is None
