#!/usr/bin/env python3
"""Regenerates the lexicons of PRC administrative divisions used by the tag rules:

  rules/lexicons/divisions.txt          provinces, prefecture-level cities and counties
                                        (full names; short names of provinces and cities;
                                        former names), for the GPE rule
  rules/lexicons/divisions-short.txt    two-character county names (和县, 南县), which need
                                        a context check (rule division-two-char)
  rules/lexicons/county-short-names.txt short names of counties and districts (江宁, 沂源),
                                        used only inside zone names (江宁经济技术开发区)

Source: the administrative-division dictionary that JioNLP ships (PyPI package `jionlp`,
version pinned below, Apache-2.0): `jionlp/dictionary/china_location.zip` (province / city /
county with their GB/T 2260 codes and short names) and `china_location_change.txt` (renamings
and mergers since 2000, for former names). The wheel is read as a zip file; jionlp itself is
not installed or imported.

    pip download --no-deps -d /tmp/jio jionlp==1.5.31
    python3 scripts/make_divisions.py /tmp/jio/jionlp-1.5.31-py2.py3-none-any.whl
"""
import io
import os
import sys
import zipfile
from collections import defaultdict

VERSION = "1.5.31"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
LEXICONS = os.path.join(ROOT, "rules", "lexicons")
LEVELS = ["province", "city", "county"]
RANK = {level: index for index, level in enumerate(LEVELS)}

# Full county-level names that are ordinary words, or not real divisions in the source
# (Hong Kong's 18 districts are listed without codes): never tagged as places.
FULL_STOP = {"城区", "矿区", "郊区", "东区", "西区", "南区", "北区", "中区", "林园区", "市中区"}
# Short names of cities that are ordinary words in news text (长治久安, 朝阳产业, 来宾, 幸福安康,
# 阿里巴巴 …): only their full names are tagged.
SHORT_STOP = {"长治", "朝阳", "来宾", "安康", "白银", "四平", "大同", "三明", "阿里", "玉树", "红河",
              "海东", "中卫", "海北", "海西", "山南", "文山", "普洱", "吉安", "新余", "永州", "宜春",
              "开封", "通化", "丽水", "金昌", "大理", "恩施", "延边", "昌吉", "伊犁", "楚雄", "德宏",
              "怒江", "迪庆", "临夏", "甘南", "黄南", "果洛", "克孜勒苏", "博尔塔拉", "巴音郭楞",
              "和田", "湘西", "黔南", "兴安", "锡林郭勒", "阿拉善", "大兴安岭", "凉山", "甘孜", "阿坝",
              "海口"}
# Two-character county names that also end ordinary phrases (城乡和县域, 健康县城, 形成县级):
# left out altogether, since no context check saves them.
TWO_CHAR_STOP = {"和县", "康县", "成县", "南县", "文县", "环县", "宁县", "义县", "道县", "富县", "佳县",
                 "单县", "代县", "吉县", "易县", "青县", "礼县", "随县", "沙县", "忠县", "洋县", "凤县",
                 "眉县", "勉县", "城区", "矿区", "郊区"}
# Short county names that are ordinary words: not used inside zone names either.
COUNTY_SHORT_STOP = {"城关", "新城", "开发", "工业", "高新", "经济", "新区", "城区", "中心", "长安",
                     "和平", "新华", "江南", "城中", "城东", "城西", "城南", "城北", "东城", "西城",
                     "南城", "北城", "河东", "河西", "青山", "白云", "红旗", "铁西", "铁东", "向阳",
                     "建设", "胜利", "文化", "友谊", "永安", "平安", "和田", "石门", "东方", "永定",
                     "新兴", "金山", "宝山", "普陀", "中山", "鼓楼", "钟楼", "朝阳", "海港", "港口",
                     "桥西", "桥东", "市中", "上城", "下城", "东区", "西区", "南区", "北区", "郊区",
                     "矿区", "大同", "长治", "安康", "新市", "新建", "开福", "天心", "华容", "团风",
                     "会同", "通道", "大方", "安定", "平和", "永和", "和平", "太平", "长寿", "新民", "清河",
                     "城阳", "东港", "大安", "公安", "同心", "安远", "正安", "合作", "集安", "和龙"}


def functional_zone(code):
    """GB/T 2260 codes whose last two digits are 71–80 are economic zones, not divisions."""
    return code is not None and len(code) == 6 and code[4:6].isdigit() and 71 <= int(code[4:6]) <= 80


def read_source(wheel):
    with zipfile.ZipFile(wheel) as outer:
        location_zip = outer.read("jionlp/dictionary/china_location.zip")
        changes = outer.read("jionlp/dictionary/china_location_change.txt").decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(location_zip)) as inner:
        locations = inner.read("china_location.txt").decode("utf-8")
    return locations, changes


def parse_locations(text):
    """(level, full name, code, short name, parent full names) for provinces, cities, counties."""
    rows = []
    path = [None, None, None]
    for line in text.split("\n"):
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        if depth > 2:
            continue
        fields = line.strip().split("\t")
        name = fields[0]
        code = fields[1] if len(fields) > 1 else None
        short = fields[2] if len(fields) > 2 else None
        path[depth] = name
        for deeper in range(depth + 1, 3):
            path[deeper] = None
        rows.append((LEVELS[depth], name, code, short, tuple(path[:depth])))
    return rows


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    locations, changes = read_source(sys.argv[1])
    # key → list of (level, canonical, parent, code, former, form)
    entries = defaultdict(list)
    county_short = defaultdict(list)
    two_char = defaultdict(list)

    def add(key, level, canonical, parent, code, former, form):
        if not key or len(key) < 2:
            return
        if level == "county" and key in FULL_STOP:
            return
        if level == "county" and len(key) == 2 and form == "full":
            if key not in TWO_CHAR_STOP:
                two_char[key].append((level, canonical, parent, code or "", former, form))
            return
        entries[key].append((level, canonical, parent, code or "", former, form))

    for level, name, code, short, parents in parse_locations(locations):
        if level == "county" and (functional_zone(code) or code is None
                                  or name.endswith(("开发区", "园区", "工业园", "产业园"))):
            continue  # economic zones listed as county-level areas are ZONEs, not places
        if level == "city" and parents and name == parents[0]:
            continue  # municipalities repeat themselves as their own city
        parent = parents[-1] if parents else ""
        if level == "county" and len(parents) == 2 and parents[1] == parents[0]:
            parent = parents[0]
        add(name, level, name, parent, code, "no", "full")
        if short and short != name:
            if level == "county":
                if len(short) >= 2 and short not in COUNTY_SHORT_STOP:
                    county_short[short].append((name, parent, code or ""))
            elif short not in SHORT_STOP:
                add(short, level, name, parent, code, "no", "short")

    current = set(entries) | set(two_char)
    for line in changes.split("\n"):
        if "=>" not in line:
            continue
        before, after = line.split("=>")
        before = before.split("\t")[2:]
        after = after.split("\t")
        # before: province, short, city, short[, county, short]; after: province, city[, county]
        old_full = before[-2]
        old_short = before[-1]
        new_full = after[-1]
        level = "county" if len(before) >= 6 else "city"
        parent = after[-2] if len(after) >= 2 else ""
        if old_full == new_full or old_full in current:
            continue
        add(old_full, level, new_full, parent, "", "yes", "full")
        if level == "city" and old_short and old_short != old_full and old_short not in current \
                and old_short not in SHORT_STOP:
            add(old_short, level, new_full, parent, "", "yes", "short")

    def merged(key, rows):
        rows = sorted(set(rows), key=lambda r: (RANK[r[0]], r[4] == "yes", r[3], r[1]))
        top = rows[0]
        same = [r for r in rows if r[0] == top[0] and r[4] == top[4]]
        canonical = "|".join(dict.fromkeys(r[1] for r in same))
        parent = "|".join(dict.fromkeys(r[2] for r in same if r[2]))
        code = "|".join(dict.fromkeys(r[3] for r in same if r[3]))
        zone = "new-area" if canonical.endswith("新区") and len(canonical) >= 4 else ""
        return f"{key}\t{top[0]}\t{canonical}\t{parent}\t{code}\t{top[4]}\t{top[5]}\t{zone}\n"

    header = (
        "# about: {about}\n"
        f"# source: JioNLP {VERSION} (PyPI jionlp=={VERSION}, Apache-2.0), jionlp/dictionary/china_location.zip "
        "and china_location_change.txt (GB/T 2260 divisions and renamings); generated by scripts/make_divisions.py, "
        "do not edit by hand\n"
        "# used-by: {used}\n"
    )
    with open(os.path.join(LEXICONS, "divisions.txt"), "w", encoding="utf-8") as out:
        out.write("# name: divisions\n")
        out.write(header.format(
            about="PRC provinces, prefecture-level cities and counties: full names, short names of provinces "
                  "and cities (浙江, 嘉兴), former names (襄樊 → 襄阳市). canonical, parent and code list every "
                  "division of that name, separated by |, when several share it; level is the highest of them",
            used="rules/entity/places.yaml (division)"))
        out.write("# columns: level\tcanonical\tparent\tcode\tformer\tform\tzone\n")
        for key in sorted(entries):
            out.write(merged(key, entries[key]))
    with open(os.path.join(LEXICONS, "divisions-short.txt"), "w", encoding="utf-8") as out:
        out.write("# name: divisions-short\n")
        out.write(header.format(
            about="two-character county names (萧县, 泾县): tagged only after a province or city or where no "
                  "Han character precedes them, since they also end ordinary phrases",
            used="rules/entity/places.yaml (division-two-char)"))
        out.write("# columns: level\tcanonical\tparent\tcode\tformer\tform\tzone\n")
        for key in sorted(two_char):
            out.write(merged(key, two_char[key]))
    with open(os.path.join(LEXICONS, "county-short-names.txt"), "w", encoding="utf-8") as out:
        out.write("# name: county-short-names\n")
        out.write(header.format(
            about="short names of counties and districts (江宁 for 江宁区, 沂源 for 沂源县), used only inside "
                  "development-zone names (江宁经济技术开发区), never tagged alone",
            used="rules/entity/zones.yaml (zone-with-place)"))
        out.write("# columns: canonical\tparent\tcode\n")
        for key in sorted(county_short):
            rows = sorted(set(county_short[key]), key=lambda r: (r[2], r[0]))
            if key in entries or key in two_char:
                continue  # a city or full name already covers it
            out.write(f"{key}\t{'|'.join(dict.fromkeys(r[0] for r in rows))}\t"
                      f"{'|'.join(dict.fromkeys(r[1] for r in rows if r[1]))}\t"
                      f"{'|'.join(dict.fromkeys(r[2] for r in rows if r[2]))}\n")


if __name__ == "__main__":
    main()
