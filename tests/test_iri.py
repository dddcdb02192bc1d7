from kg import iri


def test_slugs_are_ascii_pinyin():
    assert iri.slug("新时代枫桥经验") == "xin-shi-dai-feng-qiao-jing-yan"
    assert iri.slug("法治+乡村振兴") == "fa-zhi-plus-xiang-cun-zhen-xing"
    assert iri.slug("12·4国家宪法日") == "12-4-guo-jia-xian-fa-ri"
    assert iri.slug("LED显示屏").isascii()


def test_long_slugs_are_shortened_with_a_hash():
    s = iri.slug("党支部+网格+双联户+奋进队员+交通劝导员+科技支撑+再加很多很多很多的文字内容")
    assert len(s) <= 80 and s.isascii()
    assert s != iri.slug("党支部+网格+双联户+奋进队员+交通劝导员+科技支撑+再加很多很多很多的文字内容啊")


def test_instance_iris_are_stable_and_ascii():
    assert iri.division("540626000000").endswith("/division/540626000000")
    assert iri.report("ab" * 32) == iri.report("ab" * 32)
    assert iri.statement("a", 1) == iri.statement("a", 1) != iri.statement("a", 2)
    assert iri.unresolved_division("永和镇").isascii()
