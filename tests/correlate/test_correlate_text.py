"""Pure parts: text made comparable, shingles, MinHash stable across processes, the fields and
named things a clue is compared by."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from hub.correlate import fields, things
from hub.correlate.signature import (
    BANDS,
    PERMUTATIONS,
    band_keys,
    estimated_jaccard,
    shingle_hash,
    signature,
)
from hub.correlate.text import (
    cited_case_numbers,
    cited_document_numbers,
    clean,
    comparable,
    shingles,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "市民来电反映：郧西县治超站在316国道观音镇路段设卡拦车，车辆没有超载也要罚款200元。"


def test_text_is_made_comparable():
    assert clean("（２０２３）鄂０３２２行初１５号　ＡＢ") == "(2023)鄂0322行初15号ab"
    assert comparable(clean(SAMPLE)) == "郧西县治超站在0国道观音镇路段设卡拦车车辆没有超载也要罚款0元"
    # form phrases, citations and the given names go; digits collapse
    assert comparable(clean("尊敬的领导：(2024)鄂0322行初8号判决后，郧西县交通运输局仍不处理。"),
                      ["郧西县交通运输局"]) == "判决后仍不处理"


def test_shingles_are_character_pairs():
    assert shingles("治超站罚款") == frozenset({"治超", "超站", "站罚", "罚款"})
    assert shingles("罚") == frozenset({"罚"}) and shingles("") == frozenset()
    assert shingles("治超站", size=3) == frozenset({"治超站"})


def test_case_and_document_numbers_cited_in_the_text_are_found():
    body = clean("本院在办理（2024）鄂0322行初8号案件中发现，被告作出的郧交罚〔2023〕56号决定……"
                 "该决定已被复议机关以竹政复决字〔2024〕9号决定撤销")
    assert cited_case_numbers(body) == {"(2024)鄂0322行初8号"}
    assert cited_document_numbers(body) == {"郧交罚〔2023〕56号", "竹政复决字〔2024〕9号"}


def test_minhash_values_are_fixed_forever():
    # Stored band keys must never change: these are the values of the first release.
    sig = signature(shingles(comparable(clean(SAMPLE))))
    assert len(sig) == PERMUTATIONS
    assert sig[:4] == (37438581750264644, 66809941081102316, 90815466343665168,
                       100634372111344979)
    assert band_keys(sig)[:3] == (-184975327643011573, -332943660117544512, -3117595858127636954)
    assert shingle_hash("观音") == 2502280053267178424


def test_band_keys_are_the_same_in_another_process_with_another_hash_seed():
    code = ("from hub.correlate.signature import band_keys, signature;"
            "from hub.correlate.text import shingles, comparable, clean;"
            f"print(list(band_keys(signature(shingles(comparable(clean({SAMPLE!r})))))))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == str(list(band_keys(signature(shingles(comparable(clean(SAMPLE)))))))


def test_signatures_estimate_jaccard_and_bands_find_near_duplicates():
    a = shingles(comparable(clean(SAMPLE)))
    b = shingles(comparable(clean(SAMPLE.replace("200元", "两百元").replace("拦车", "拦下货车"))))
    other = shingles(comparable(clean("张湾区花园路夜市烧烤油烟大，噪音扰民到凌晨。")))
    truth = len(a & b) / len(a | b)
    assert abs(estimated_jaccard(signature(a), signature(b)) - truth) < 0.12
    assert set(band_keys(signature(a))) & set(band_keys(signature(b)))
    assert not set(band_keys(signature(a))) & set(band_keys(signature(other)))
    assert len(set(band_keys(signature(a)))) == BANDS
    assert signature(frozenset()) == () and band_keys(()) == ()


def test_subject_units_are_keyed_by_region_and_body():
    keys, spans = fields.subject_mentions(clean("县交通局治超站在316国道拦车"), "420322")
    assert keys == {"420322:交通运输局", "420300:交通运输局"}
    assert fields.subject_mentions("郧西县交通运输局", None)[0] == {"420322:交通运输局"}
    assert fields.subject_mentions("十堰市公安局交通警察支队", "420302")[0] == {
        "420300:交通警察支队"}
    assert fields.subject_mentions("我们找过交警", "420302")[0] == {"420300:交通警察支队"}
    assert fields.subject_mentions("张湾区人民政府花果街道办事处", None)[0] >= {
        "420303:花果街道"}
    assert fields.subject_mentions("要求政府出面解决", "420303")[0] == set()  # any government
    assert "县交通局" in spans


def test_places_organizations_and_persons_are_named_things():
    text = clean("丹江口市均州路与沧浪大道交叉口；郧西县鑫达物流有限公司；申请人陈某；陈先生；"
                 "城关镇一个小区")
    assert things.places(text, "420381") == {"4203:均州": "均州路", "4203:沧浪": "沧浪大道"}
    assert things.organizations(text, "420322") == {"4203:鑫达": "鑫达物流"}
    assert things.persons(text, "420322") == {"4203:person:陈": "陈某"}


def test_names_are_read_through_lists_callings_and_the_forms_phrases():
    assert things.places(clean("房县阳光水岸等小区交房后办不了证"), "420325") == {
        "4203:水岸": "水岸小区"}
    assert things.organizations(clean("沧浪大道一家叫力美的健身房突然关门"), "420381") == {
        "4203:力美": "力美健身"}
    assert things.organizations(clean("附近的超市"), "420381") == {}
    # 来电人 is the caller: 来电人公司 names no company called 电人
    assert things.organizations(clean("来电人公司给工业园区修的路"), "420324") == {}


def test_a_word_that_is_a_far_county_is_no_prefix_of_a_unit():
    # 会同 is 会同县 in Hunan, and here only "together with"
    keys, _ = fields.subject_mentions(clean("建议房县自然资源和规划局会同住建部门开展清理"),
                                      "420325")
    assert keys == {"420325:自然资源和规划局", "420325:住房和城乡建设局",
                    "420300:住房和城乡建设局"}
    assert fields.subject_mentions("湖南省会同县住建局", None)[0] >= {"431225:住房和城乡建设局"}


def _signature_by_definition(shingles: frozenset[str]) -> tuple[int, ...]:
    """One-permutation MinHash as the module's text defines it, one step at a time."""
    from hub.correlate.signature import _PROBES, _SLOT_BITS, _SLOT_MASK, PERMUTATIONS, shingle_hash

    empty = 1 << 64
    bins = [empty] * PERMUTATIONS
    for hashed in map(shingle_hash, shingles):
        bins[hashed & _SLOT_MASK] = min(bins[hashed & _SLOT_MASK], hashed >> _SLOT_BITS)
    if min(bins) == empty:
        return ()
    return tuple(v if v != empty else next(bins[o] for o in _PROBES[s] if bins[o] != empty)
                 for s, v in enumerate(bins))


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x2FFFF), max_size=120),
       st.integers(min_value=1, max_value=3))
def test_signature_is_the_definition_whatever_the_text(text: str, size: int) -> None:
    from hub.correlate.signature import shingle_hash, signature_of_hashes

    grams = shingles(text, size)
    assert signature(grams) == _signature_by_definition(grams)
    assert signature_of_hashes(map(shingle_hash, grams)) == _signature_by_definition(grams)


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x3FFFF), max_size=60))
def test_clean_takes_out_every_space_and_invisible_character(text: str) -> None:
    import unicodedata

    folded = unicodedata.normalize("NFKC", text).lower()
    assert clean(text) == "".join(ch for ch in folded
                                  if not ch.isspace() and unicodedata.category(ch) != "Cf")


def _band_keys_by_definition(sig: tuple[int, ...], bands: int, rows: int) -> tuple[int, ...]:
    import struct
    from hashlib import blake2b

    from hub.correlate.signature import SEED

    keys = []
    for band in range(bands):
        values = struct.pack(f"<{rows}Q", *sig[band * rows:(band + 1) * rows])
        digest = blake2b(values, digest_size=8, key=struct.pack("<QQ", SEED, band)).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return tuple(keys)


@settings(deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40), min_size=1,
               max_size=80))
def test_band_keys_are_the_definition_and_hashes_remembered_change_nothing(text: str) -> None:
    from hub.correlate import signature as module

    grams = shingles(text)
    sig = signature(grams)
    assert sig == _signature_by_definition(grams)  # again: now from remembered hashes
    assert band_keys(sig) == _band_keys_by_definition(sig, BANDS, 4)
    # the index's keys before it kept 16 bands: their first 16 are these (clues indexed then
    # are still found)
    assert band_keys(sig) == _band_keys_by_definition(sig, 32, 4)[:BANDS]
    assert band_keys(sig, bands=8, rows=16) == _band_keys_by_definition(sig, 8, 16)
    assert band_keys(sig, rows=2) == _band_keys_by_definition(sig, BANDS, 2)
    module._KNOWN.clear()
    assert signature(grams) == sig


def test_profiles_made_fast_are_the_dataclass_made_slowly():
    import dataclasses
    from datetime import UTC, datetime

    from hub.correlate.profile import Profile, build_profile, facts_of, stored_profile

    at = datetime(2024, 5, 6, 7, 8, tzinfo=UTC)
    made = build_profile(title="郧西县治超站乱罚款", content=SAMPLE + "（2024）鄂0322行初8号，陈某",
                         channel="hotline", region_code="420322",
                         subjects=[{"name": "郧西县交通运输局", "credit_code": "11420322MB0000000X"}],
                         references=[], reported_at=at)
    slow = Profile(**{f.name: getattr(made, f.name) for f in dataclasses.fields(Profile)
                      if f.init})
    assert made == slow and vars(made) == vars(slow) and repr(made) == repr(slow)
    assert made.keyed == made.subjects | made.mentioned and made.things
    stored = stored_profile(reported_at=at, channel="hotline", region_code="420322",
                            text=made.text, facts=facts_of(made))
    assert vars(stored) == vars(dataclasses.replace(made, shingles=frozenset()))
    assert vars(stored_profile(reported_at=at, channel="mail", region_code=None, text="",
                               facts={})) == vars(Profile(at, "mail", None, "", frozenset()))
