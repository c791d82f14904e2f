"""The shipped default rule set proposes what the office expects for realistic clues.

Categories and fields are given as the normalize stage stores them for these texts.
"""

from __future__ import annotations

import pytest

from hub.route.conditions import ClueFacts
from hub.route.evaluate import compile_rule_set, evaluate
from hub.route.rulefile import load_rule_set
from hub.route.service import DEFAULT_RULES

DISCIPLINE = "十堰市纪委监委"

CLUES = [  # (channel, category, title, content, subject, reference, expected)
    ("hotline", "enforcement", "郧西县交警大队给中队下达罚款指标",
     "来电人反映：郧西县公安局交通警察大队每月给各中队下达罚款指标，完不成的扣绩效，"
     "执法人员在国道上拦截货车逐车罚款。", "郧西县公安局交通警察大队", None,
     ("fine-quota-inspect", "accept", None)),
    ("petition", "enforcement", "城管对同一条街的占道经营选择性执法",
     "信访人反映：张湾区城市管理执法局对车城路占道经营选择性执法，只查处外地摊贩。",
     "十堰市张湾区城市管理执法局", None, ("unlawful-enforcement-inspect", "accept", None)),
    ("discipline", "official_conduct", "乡镇干部对群众诉求推诿扯皮",
     "反映郧阳区某镇政府工作人员对群众反映的宅基地纠纷推诿扯皮、长期不作为。",
     "郧阳区某镇人民政府", None, ("misconduct-to-discipline", "refer", DISCIPLINE)),
    ("mailbox", "enforcement", "生态环境执法人员收受红包后对排污企业不予处罚",
     "举报丹江口市生态环境分局执法人员检查某化工企业时收受红包，随后对偷排废水不予立案处罚。",
     "丹江口市生态环境分局", None, ("bribery-to-discipline", "refer", DISCIPLINE)),
    ("court", "judgment_compliance", "郧西县人民政府拒不履行生效行政判决",
     "(2022)鄂03行终88号判决生效后，郧西县人民政府至今未履行判决确定的补偿义务。",
     "郧西县人民政府", ("case_number", "(2022)鄂03行终88号"),
     ("judgment-nonperformance-assign", "assign", "郧西县人民政府")),
    ("procuratorate", "recommendation_compliance", "检察建议发出后自然资源局未整改",
     "郧检行建〔2023〕5号检察建议要求郧西县自然资源和规划局依法查处违法占用耕地，该局逾期未回复。",
     "郧西县自然资源和规划局", ("document_number", "郧检行建〔2023〕5号"),
     ("recommendation-ignored-assign", "assign", "郧西县自然资源和规划局")),
    ("admin_review", "review_correction", "行政复议决定撤销处罚后未重新作出处理",
     "行政复议决定撤销竹山县应急管理局对某企业的行政处罚决定，责令重新作出，被申请人逾期未作出。",
     "竹山县应急管理局", None, ("review-correction-assign", "assign", "竹山县应急管理局")),
    ("hotline", "other", "健身房关门不退预付卡余额",
     "市民反映在某健身房办理的会员卡，商家突然关门，要求退款无人理会，预付卡余额无法退还。",
     None, None, ("consumer-dispute-transfer", "transfer", "十堰市市场监督管理局")),
    ("hotline", "other", "咨询新生儿落户如何办理",
     "来电人咨询新生儿落户需要准备哪些材料，如何办理，想了解能否网上办理。",
     None, None, ("consultation-decline", "decline", None)),
    ("proposal", "legislation", "县政府规范性文件限制外地企业参与招投标",
     "竹溪县人民政府印发的规范性文件规定外地企业须在本地设立分公司方可参与招投标，未经合法性审查。",
     "竹溪县人民政府", None, ("legislation-cc-justice", "cc", "十堰市司法局")),
    ("court", "enforcement", "郧西县自然资源和规划局行政处罚被判决撤销",
     "(2023)鄂0322行初15号 原告某公司诉郧西县自然资源和规划局行政处罚一案，法院认为被告认定事实不清、"
     "程序违法，判决撤销被诉行政处罚决定。", "郧西县自然资源和规划局",
     ("case_number", "(2023)鄂0322行初15号"), ("revoked-act-inspect", "accept", None)),
    ("hotline", "public_service", "办理营业执照多次跑腿",
     "市民反映在政务服务中心办理营业执照变更，窗口一次性告知不到位，前后跑了四趟才办成。",
     "十堰市政务服务和大数据管理局", None, None),
    ("hotline", "other", "投诉商家虚假宣传，市场监管所不处理",
     "消费者反映某商家虚假宣传，向市场监管所投诉后一直不处理，要求退款未果。",
     None, None, None),
]


@pytest.fixture(scope="module")
def default_rules():
    return compile_rule_set(load_rule_set(DEFAULT_RULES.read_text(encoding="utf-8")), 1)


@pytest.mark.parametrize("clue", CLUES, ids=[c[2] for c in CLUES])
def test_default_rules_propose_what_the_office_expects(default_rules, clue):
    channel, category, title, content, subject, reference, expected = clue
    facts = ClueFacts(channel=channel, category=category, title=title, content=content,
                      subjects=({"name": subject},) if subject else (),
                      references=({"kind": reference[0], "value": reference[1]},)
                      if reference else ())
    routing = evaluate(default_rules, facts)
    proposal = routing.proposal
    assert (None if proposal is None else (proposal.rule_id, proposal.action, proposal.target)
            ) == expected, routing.summary()
    assert routing.rule_set_version == 1
    if proposal is None:
        assert routing.reason == "没有规则匹配"
    else:
        assert proposal.matched and all(match.text for match in proposal.matched)


def test_the_default_rules_have_no_catch_all(default_rules):
    nothing_special = ClueFacts(channel="media", title="网传某地道路积水", content="网友发帖。")
    assert evaluate(default_rules, nothing_special).proposal is None
