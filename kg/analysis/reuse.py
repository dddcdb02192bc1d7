"""Which adoptions may be template copying, so that similarity can discount them.

Two reports that copy the same template sentence look alike without their
townships having done alike.  An adoption (a township's ``fz:implements`` or
``fz:participatesIn`` link) counts as *copied* when

* every sentence that backs it is, word for word (ignoring spaces,
  punctuation and the township's own name), also a sentence backing the same
  concept in another division's report; or
* the township's report is joined to another's by a text-reuse link
  (any property declared ``rdfs:subPropertyOf fz:textReuse``) and both
  adopted the concept.

Similarity then weighs a copied adoption by ``reuse_weight`` (0 drops it,
1 counts it in full); see :mod:`kg.analysis.similarity`.

>>> from kg.analysis.corpus import Corpus, Link, Evidence, Division
>>> e = lambda q: (Evidence(q, "r"),)
>>> c = Corpus({"a": Division("a", "甲镇", "Township"), "b": Division("b", "乙镇", "Township")}, {}, (
...     Link("a", "implements", "m", e("甲镇推行枫桥经验。")), Link("b", "implements", "m", e("乙镇推行枫桥经验！")),
...     Link("a", "implements", "n", e("自己的话。"))))
>>> sorted(copied_adoptions(c))
[('a', 'm'), ('b', 'm')]
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from kg.analysis.corpus import ADOPTION, Corpus

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def fingerprint(quote: str, own_name: str = "") -> str:
    """A sentence reduced to what copying keeps: no spaces, punctuation or the writer's own name."""
    text = quote if unicodedata.is_normalized("NFKC", quote) else unicodedata.normalize("NFKC", quote)
    if own_name and own_name in text:
        text = text.replace(own_name, "")
    return _NOISE.sub("", text)


def copied_adoptions(corpus: Corpus) -> frozenset[tuple[str, str]]:
    """(division, concept) adoptions that look copied, by shared sentence or by a text-reuse link."""
    adoptions = [l for l in corpus.links if l.predicate in ADOPTION]
    writers: dict[tuple[str, str], set[str]] = defaultdict(set)   # (concept, fingerprint) -> divisions
    prints: dict[tuple[str, str], set[str]] = {}
    for l in adoptions:
        name = corpus.divisions[l.division].label if l.division in corpus.divisions else ""
        fps = {fingerprint(e.quote, name) for e in l.evidence} - {""}
        prints[(l.division, l.concept)] = fps
        for fp in fps:
            writers[(l.concept, fp)].add(l.division)
    copied = {key for key, fps in prints.items()
              if fps and all(len(writers[(key[1], fp)]) > 1 for fp in fps)}
    if corpus.reuse_pairs:
        adopted = defaultdict(set)
        for l in adoptions:
            adopted[l.division].add(l.concept)
        for a, b in corpus.reuse_pairs:
            for concept in adopted[a] & adopted[b]:
                copied.update({(a, concept), (b, concept)})
    return frozenset(copied)
