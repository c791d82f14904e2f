"""Shiyan city (十堰市, 420300) and its districts and counties, with towns and roads."""

from __future__ import annotations

import random
from dataclasses import dataclass

CITY_NAME = "十堰市"
CITY_CODE = "420300"
PROVINCE_NAME = "湖北省"


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # 郧西县; 十堰市 for the city itself
    towns: tuple[str, ...]  # 镇, 乡 and 街道 (街道 names end with 街道)
    roads: tuple[str, ...]

    @property
    def is_city(self) -> bool:
        return self.code == CITY_CODE

    @property
    def full_name(self) -> str:
        """十堰市郧西县, or 十堰市 for the city."""
        return self.name if self.is_city else CITY_NAME + self.name

    @property
    def short(self) -> str:
        """十堰 / 郧西 / 房: how local document numbers abbreviate the place."""
        return {"420300": "十", "420325": "房", "420381": "丹"}.get(self.code, self.name[:2])


CITY = Place(CITY_CODE, CITY_NAME, (), ("北京路", "人民北路", "朝阳中路", "浙江路", "发展大道"))

COUNTIES = (
    Place("420302", "茅箭区", ("武当路街道", "二堰街道", "五堰街道", "白浪街道", "茅塔乡",
                               "大川镇", "小川乡"),
          ("人民南路", "北京中路", "东岳路", "天津路", "上海路")),
    Place("420303", "张湾区", ("车城路街道", "红卫街道", "花果街道", "汉江路街道", "柏林镇",
                               "黄龙镇", "方滩乡", "西沟乡"),
          ("车城西路", "重庆路", "公园路", "汉江路", "工业新区路")),
    Place("420304", "郧阳区", ("城关镇", "茶店镇", "柳陂镇", "杨溪铺镇", "青曲镇", "南化塘镇",
                               "谭家湾镇"),
          ("沿江大道", "郧阳大道", "东岭路", "汉江路")),
    Place("420322", "郧西县", ("城关镇", "上津镇", "店子镇", "夹河镇", "土门镇", "涧池乡",
                               "河夹镇"),
          ("天河大道", "金城路", "观音路", "上津路")),
    Place("420323", "竹山县", ("城关镇", "宝丰镇", "擂鼓镇", "溢水镇", "麻家渡镇", "官渡镇",
                               "秦古镇"),
          ("女娲路", "南关路", "人民路", "堵河路")),
    Place("420324", "竹溪县", ("城关镇", "蒋家堰镇", "中峰镇", "水坪镇", "县河镇", "泉溪镇",
                               "鄂坪乡"),
          ("府前路", "建设路", "龙湖路", "茶园路")),
    Place("420325", "房县", ("城关镇", "军店镇", "化龙堰镇", "土城镇", "门古寺镇", "窑淮镇",
                             "青峰镇"),
          ("诗经大道", "西关路", "北街", "城东路")),
    Place("420381", "丹江口市", ("均州路街道", "大坝街道", "丹赵路街道", "六里坪镇", "浪河镇",
                                 "习家店镇", "土关垭镇"),
          ("均州路", "丹赵路", "沧浪大道", "环库路")),
)

PLACES = (CITY, *COUNTIES)
BY_CODE = {place.code: place for place in PLACES}


def any_place(rng: random.Random, city_weight: float = 0.25) -> Place:
    """The city itself about a quarter of the time, otherwise one of its counties."""
    return CITY if rng.random() < city_weight else rng.choice(COUNTIES)


def address(rng: random.Random, place: Place) -> str:
    """A street address as a caller gives it: 十堰市郧西县城关镇天河大道128号."""
    county = place if not place.is_city else rng.choice(COUNTIES[:3])
    number = f"{rng.randint(1, 388)}号"
    town = rng.choice(county.towns) if rng.random() < 0.4 else ""
    return f"{CITY_NAME}{county.name}{town}{rng.choice(county.roads)}{number}"


def village(rng: random.Random, place: Place) -> str:
    """A village or community under one of the place's towns: 郧西县上津镇桥西村."""
    county = place if not place.is_city else rng.choice(COUNTIES)
    town = rng.choice(county.towns)
    suffix = "社区" if town.endswith("街道") else "村"
    return f"{county.name}{town}{rng.choice(_VILLAGE_WORDS)}{suffix}"


_VILLAGE_WORDS = ("桥西", "东沟", "龙潭", "青山", "柳树", "枣园", "石门", "新民", "双河", "花园")
