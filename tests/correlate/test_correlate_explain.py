"""A link's reasons in the reviewer's words."""

from __future__ import annotations

from hub.correlate.explain import explain


def test_system_link_names_score_text_and_shared_fields():
    shown = explain({"text": 0.34, "shared": ["case_number:(2023)鄂0322行初15号",
                                               "subject:郧西县交通运输局", "region:420322",
                                               "place:城关镇"],
                     "conflicts": ["named_things"], "linked_to": 7}, 0.95, "system",
                    region_name=lambda code: {"420322": "郧西县"}[code])
    assert shown["made_by"] == "系统自动关联" and shown["score"] == 0.95
    assert shown["text_similarity"] == 0.34 and shown["linked_to"] == 7
    assert shown["shared"] == ["案号相同：(2023)鄂0322行初15号", "被反映单位相同：郧西县交通运输局",
                               "属地相同：郧西县", "地点相同：城关镇"]
    assert shown["conflicts"] == ["所述地点或当事方不同"]


def test_reviewer_operations_say_who_and_what():
    assert explain({"merged_from": 3}, None, "user:li", None)["operation"] == "由线索组 3 合并而来"
    assert explain({"split_from": 3}, None, "user:li", None)["made_by"] == "li 手工操作"
    assert explain({"attached_from": None}, None, "user:li", None)["operation"] == "手工加入"
    assert explain(None, None, "system")["shared"] == []
