#!/usr/bin/env python3
"""Makes the example rosters of config/ (synthetic people, valid check digits).

A developer's tool, not needed to build or test: its output is committed. Run from the repo root:
    python3 scripts/gen-example-data.py
then make the xlsx roster with LibreOffice (see config/rosters/README.md).
"""
import csv
import random

ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CW = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
IW = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def credit_code(prefix8: str, org8: str) -> str:
    """A valid 统一社会信用代码: 8 chars, an 8-char organisation body, its GB 11714 check, check."""
    ow = [3, 7, 9, 10, 5, 8, 4, 2]
    s = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(org8, ow))
    m = 11 - s % 11
    oc = "X" if m == 10 else "0" if m == 11 else str(m)
    first17 = prefix8 + org8 + oc
    total = sum(ALPHA.index(c) * w for c, w in zip(first17, CW))
    return first17 + ALPHA[(31 - total % 31) % 31]


def resident_id(area: str, birth: str, seq: int, male: bool) -> str:
    seq3 = seq % 1000
    if (seq3 % 2 == 1) != male:
        seq3 = (seq3 + 1) % 1000
    first17 = f"{area}{birth}{seq3:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, IW)) % 11]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["子涵", "浩然", "欣怡", "宇轩", "梓萱", "俊杰", "诗涵", "博文", "雨桐", "嘉怡",
         "思远", "一鸣", "佳琪", "晨曦", "天佑", "可馨", "文博", "若曦", "明轩", "心怡"]


def students(rng, n, majors, years, area, with_employer=None):
    rows = []
    for i in range(n):
        male = rng.random() < 0.5
        y = rng.choice([2006, 2007, 2008])
        birth = f"{y}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        major, cls = majors[i % len(majors)]
        row = {
            "姓名": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "证件类型": "居民身份证",
            "证件号码": resident_id(area, birth, rng.randint(1, 998), male),
            "性别": "男" if male else "女",
            "手机号码": "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9)),
            "专业": major,
            "班级": cls,
            "毕业年份": str(years[i % len(years)]),
        }
        if with_employer is not None:
            row["实习单位"] = with_employer if major == "汽车检测与维修技术" else ""
        rows.append(row)
    return rows


def write(path, rows, header):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator="\r\n")
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    rng = random.Random(2027)
    base = ["姓名", "证件类型", "证件号码", "性别", "手机号码", "专业", "班级", "毕业年份"]
    xz = students(rng, 36, [("计算机应用", "计算机2401班"), ("机电技术应用", "机电2401班"),
                            ("计算机应用", "计算机2402班"), ("会计事务", "会计2401班")],
                  [2027, 2027, 2027, 2027, 2027, 2028], "310104")
    write("config/rosters/xuhui-zz-2027.csv", xz, base)
    pg = students(rng, 40, [("汽车检测与维修技术", "汽修2301班"), ("软件技术", "软件2301班")],
                  [2027, 2027, 2027, 2027, 2027, 2027, 2027, 2028], "310115",
                  with_employer="上海示范汽车服务有限公司")
    write("config/rosters/pudong-gz-2027.csv", pg, base + ["实习单位"])
    for name, p8, o8 in [("xuhui-zz", "12310104", "MB2F0000"), ("pudong-gz", "12310115", "MB2P0000"),
                         ("it-eval", "52310000", "MJ1A2B3C"), ("auto-employer", "91310115", "MA1K9Q7D"),
                         ("bad-type-org", "52310000", "MJ9Q8Y7W")]:
        print(name, credit_code(p8, o8))
    print("operator xuhui", resident_id("310104", "19850312", 123, True))
    print("operator pudong", resident_id("310115", "19900718", 246, False))
