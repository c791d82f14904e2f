"""People as partner systems record them: names, mobile numbers, resident ID numbers."""

from __future__ import annotations

import random
from datetime import date, timedelta

SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程柯"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志刚海燕玉兰德明"
MOBILE_PREFIXES = ("133", "135", "137", "138", "139", "150", "152", "158", "177", "180",
                   "186", "189", "199")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of a resident ID number."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(ch) * w for ch, w in zip(first17, weights, strict=True)) % 11]


def full_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def polite_name(rng: random.Random) -> str:
    """How a 12345 operator notes a caller: 王女士, 李先生, or the full name."""
    if rng.random() < 0.5:
        return rng.choice(SURNAMES) + rng.choice(("先生", "女士"))
    return full_name(rng)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randint(0, 9)) for _ in range(8))


def landline(rng: random.Random) -> str:
    """A Shiyan landline (area code 0719)."""
    return f"0719-{rng.choice('2345678')}{rng.randint(0, 999999):06d}"


def id_number(rng: random.Random, region_code: str) -> str:
    """A resident ID number with a valid birth date and check character."""
    born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 55))
    first17 = f"{region_code}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_check_char(first17)
