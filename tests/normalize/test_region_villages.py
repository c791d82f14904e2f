"""Villages, communities, groups and streets named like counties and cities are not those
places, and a place inside the sending agency's area beats one outside it (a 房县 clue about
石门村 is not in 湖南省常德市石门县, one about 双河村 is not in 新疆双河市)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.normalize.codes import load_divisions, region_of_text
from hub.normalize.codes.region_text import short_form
from hub.normalize.codes.region_words import COMMON_WORD_SHORT_FORMS

TABLE = load_divisions()
OFFICE = "4203"  # 十堰市
FANG, YUNXI, ZHUSHAN, ZHUXI = "420325", "420322", "420323", "420324"
YUNYANG, MAOJIAN, ZHANGWAN, DANJIANGKOU, SHIYAN = "420304", "420302", "420303", "420381", "420300"

# (text, the sending agency's division, the region expected)
LABELLED = [
    # villages, communities and groups named like counties and cities elsewhere
    ("房县城关镇石门村村民反映村委会不公开账目", FANG, FANG),
    ("房县双河村村民反映土地征收补偿不到位", FANG, FANG),
    ("石门村村民反映村委会不公开账目", FANG, None),
    ("双河村三组村民反映通组公路未修", FANG, None),
    ("双河二组村民反映低保评定不公", FANG, None),
    ("石门一组村民反映", FANG, None),
    ("石门社区居民反映垃圾清运不及时", SHIYAN, None),
    ("双河小区业主反映物业乱收费", SHIYAN, None),
    ("竹山县宝丰镇双河村", ZHUSHAN, ZHUSHAN),
    ("房县红塔镇石门村", FANG, FANG),
    ("白河村村委会不公开低保名单", YUNXI, None),
    ("郧西县白河村", YUNXI, YUNXI),
    ("竹山县宁夏村村民反映", ZHUSHAN, ZHUSHAN),
    ("郧阳区长沙湾社区", YUNYANG, YUNYANG),
    ("长沙湾码头违规收费", SHIYAN, None),
    ("石门村", None, None),
    ("双河村", None, None),
    ("石门镇政府不作为", FANG, None),
    # streets named after cities
    ("郧西县北京路商户占道经营", YUNXI, YUNXI),
    ("张湾区上海路夜间施工噪音扰民", ZHANGWAN, ZHANGWAN),
    ("茅箭区南京路一小区物业乱收费", MAOJIAN, MAOJIAN),
    ("茅箭区北京北路违法建设", MAOJIAN, MAOJIAN),
    ("张湾区重庆路街道办事处不作为", ZHANGWAN, ZHANGWAN),
    ("丹江口市武汉路施工围挡占道", DANJIANGKOU, DANJIANGKOU),
    ("竹溪县天津路商户反映", ZHUXI, ZHUXI),
    ("房县青岛路", FANG, FANG),
    ("北京路与上海路交叉口红绿灯故障", SHIYAN, None),
    ("南京街一门面房违规改建", SHIYAN, None),
    ("襄阳街菜市场占道", SHIYAN, None),
    ("成都巷民房改造", SHIYAN, None),
    ("武汉路派出所", SHIYAN, None),
    ("上海西路", None, None),
    ("北京大道", None, None),
    # the place itself, still found
    ("房县村民反映村干部优亲厚友", FANG, FANG),
    ("郧西村民反映低保评定不公", YUNXI, YUNXI),
    ("郧西乡镇卫生院收费不透明", YUNXI, YUNXI),
    ("竹溪路段塌方无人处理", ZHUXI, ZHUXI),
    ("十堰市郧西县城关镇某某路", None, YUNXI),
    ("反映郧西交通局", SHIYAN, YUNXI),
    ("茅箭区某街道办事处", SHIYAN, MAOJIAN),
    ("竹山县某局", FANG, ZHUSHAN),  # another county of the office's area, by its full name
    ("丹江口市", FANG, DANJIANGKOU),
    ("房县城关镇", FANG, FANG),  # two characters: backed by the sender's area
    ("郧西县上津镇", YUNXI, YUNXI),
    ("张湾区红卫街道办事处", ZHANGWAN, ZHANGWAN),
    # inside the sender's area beats outside it
    ("房县某局工作人员在湖南省常德市石门县出差期间违规报销", FANG, FANG),
    ("房县石门村与石门县无关", FANG, FANG),
    # full names elsewhere still resolve
    ("湖南省常德市石门县某局", FANG, "430726"),
    ("新疆双河市某单位", SHIYAN, "659007"),
    ("石门县人民政府", None, "430726"),
    ("北京市朝阳区某小区", None, "110105"),
    ("长沙市岳麓区", None, "430104"),
]


@pytest.mark.parametrize(("text", "sender", "expected"), LABELLED)
def test_labelled_texts(text: str, sender: str | None, expected: str | None) -> None:
    assert region_of_text(text, prefer_prefix=OFFICE, sender_region=sender) == expected


def test_the_labelled_set_is_large_enough() -> None:
    assert len(LABELLED) >= 40


def _unique_short_forms_outside(prefix: str) -> list[tuple[str, str]]:
    """(short form, code) of every place outside `prefix` matched by its short form alone."""
    full = {d.name for d in TABLE}
    forms = {d.code: short_form(d.name) for d in TABLE}
    counts = Counter(f for f in forms.values() if f)
    return sorted((f, code) for code, f in forms.items()
                  if f and counts[f] == 1 and f not in full and f not in COMMON_WORD_SHORT_FORMS
                  and not code.startswith(prefix))


OUTSIDE = _unique_short_forms_outside("42")
SHIYAN_COUNTIES = sorted(d.code for d in TABLE if d.level == "county" and d.code.startswith(OFFICE))
MARKERS = ["村", "村村民", "社区", "组", "三组", "街道", "路", "东路", "北路", "街", "大街", "大道",
           "巷", "湾", "镇", "小区", "居委会"]


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(OUTSIDE), st.sampled_from(MARKERS),
       st.one_of(st.none(), st.sampled_from(SHIYAN_COUNTIES)))
def test_a_settlement_or_street_named_like_a_place_is_never_that_place(place, marker, sender):
    form, code = place
    found = region_of_text(f"{form}{marker}群众反映问题", prefer_prefix=OFFICE, sender_region=sender)
    assert found != code
    assert found is None or found.startswith(OFFICE)


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(SHIYAN_COUNTIES), st.sampled_from(OUTSIDE), st.sampled_from(MARKERS))
def test_the_senders_county_wins_over_a_village_named_like_a_place_elsewhere(county, place,
                                                                              marker):
    text = f"{TABLE.full_name(county)}{place[0]}{marker}群众反映问题"
    assert region_of_text(text, prefer_prefix=OFFICE, sender_region=county) == county


@settings(deadline=None, max_examples=200)
@given(st.sampled_from(OUTSIDE), st.sampled_from(SHIYAN_COUNTIES))
def test_a_bare_short_form_outside_the_senders_and_offices_area_is_not_taken(place, sender):
    assert region_of_text(f"反映{place[0]}某单位问题", prefer_prefix=OFFICE,
                          sender_region=sender) is None


def test_the_normalize_stage_reads_the_region_inside_the_sending_agencys_area(hub):
    """The stage hands the sending agency's division to the text reading."""
    from hub.db.models import Agency, Clue, RawRecord
    from hub.db.types import utcnow
    from hub.normalize.stage import NormalizeStage

    stage = NormalizeStage(next_stage=None, prefer_prefix=OFFICE)
    with hub.uow() as uow:
        agency = Agency(name="房县某局", channel="other", region_code=FANG)
        uow.session.add(agency)
        uow.session.flush()
        raw = RawRecord(agency_id=agency.id, origin="api", sha256="0" * 64, size=1,
                        body_enc=b"x", outcome="accepted")
        uow.session.add(raw)
        uow.session.flush()
        clue = Clue(agency_id=agency.id, source_ref="region-1", raw_record_id=raw.id,
                    received_at=utcnow(), reported_at=utcnow(), status="received",
                    channel="other", title="工作人员违规报销",
                    content="房县某局工作人员在湖南省常德市石门县出差期间违规报销差旅费",
                    subjects=[])
        uow.session.add(clue)
        uow.session.flush()
        item = stage.load(uow.session, [clue.id])[clue.id]
    result = stage.compute(item)
    assert (result.region_code, result.region_source) == (FANG, "text")
