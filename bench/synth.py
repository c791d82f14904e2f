"""Synthetic clues with realistic Chinese text for benchmarks (deterministic per seed)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

PLACES = [("茅箭区", "420302"), ("张湾区", "420303"), ("郧阳区", "420304"), ("郧西县", "420322"),
          ("竹山县", "420323"), ("竹溪县", "420324"), ("房县", "420325"), ("丹江口市", "420381")]
BODIES = ["交通运输局", "市场监督管理局", "自然资源和规划局", "生态环境分局", "城市管理执法局",
          "住房和城乡建设局", "人力资源和社会保障局", "卫生健康局", "农业农村局", "应急管理局"]
PROBLEMS = [
    ("{body}执法人员对货车按指标罚款", "反映{place}{body}执法人员在国道路段设卡，对过往货车不分情况一律罚款，"
     "据称每月有罚款指标，司机多次投诉无果，要求依法规范执法、退还不当罚款。"),
    ("{body}对企业重复检查", "{place}多家企业反映{body}一个月内以不同名义上门检查四次，每次要求停产配合，"
     "检查结果不书面告知，影响正常经营，涉嫌违反涉企检查的有关规定。"),
    ("{body}未履行生效判决", "{place}{body}与某建筑公司行政协议纠纷一案判决已生效，判令被告支付工程款及利息，"
     "至今已逾八个月仍未履行，申请人多次催告，{body}称资金困难无法支付。"),
    ("{body}不作为", "群众反映{place}{body}对辖区内违法占地建厂问题长期不处理，举报三次均无回复，"
     "相关工作人员推诿扯皮，存在不作为、慢作为问题。"),
    ("{body}行政处罚程序违法", "{place}{body}作出的行政处罚决定未告知当事人陈述申辩权利，"
     "复议机关已决定撤销该处罚，但同类问题在其他案件中仍然存在。"),
]


def clue(i: int, rng: random.Random, prefix: str = "BENCH") -> dict[str, Any]:
    place, _ = rng.choice(PLACES)
    body = place + rng.choice(BODIES)
    title, content = rng.choice(PROBLEMS)
    when = datetime.now(UTC) - timedelta(minutes=rng.randint(10, 60 * 24 * 60))
    return {
        "source_ref": f"{prefix}-{i:08d}",
        "channel": rng.choice(["hotline", "petition", "court", "procuratorate", "admin_review"]),
        "reported_at": when.isoformat(timespec="seconds"),
        "title": title.format(body=body, place=place),
        "content": content.format(body=body, place=place) + f"（编号{i}）",
        "subjects": [{"name": body}],
        "reporter": {"name": rng.choice(["王", "李", "张", "刘"]) + "某某",
                     "phone": f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                     "anonymous": False},
        "urgency": rng.choice(["normal", "normal", "important", "urgent"]),
    }


def clues(n: int, seed: int = 1, prefix: str = "BENCH") -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [clue(i, rng, prefix) for i in range(n)]
