"""Which vocabulary matcher: Aho-Corasick (pyahocorasick) or jieba with a user dictionary?

Both find the labels of ontology/mechanisms.ttl and ontology/campaigns.ttl in
the seed reports (quote-stripped, normalized).  The benchmark prints, for
each: the hits, whether they agree with a brute-force reference (every label
searched with str.find, leftmost-longest), and the throughput in MB/s over
the seeds repeated REPEAT times.  Medians of RUNS runs.

    python benchmarks/bench_matcher.py [--repeat 50] [--runs 5]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import jieba

from kg.normalize import normalize
from kg.vocab import QUOTES, LabelMatcher, load_concepts, match_key

ROOT = Path(__file__).resolve().parent.parent


def texts() -> list[str]:
    out = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        t = normalize(p.read_text(encoding="utf-8")).text
        out.append("".join(ch for ch in t if ch not in QUOTES).lower())
    return out


def reference(text: str, labels: dict[str, str]) -> list[tuple[int, int, str]]:
    spans = []
    for key, iri in labels.items():
        i = text.find(key)
        while i >= 0:
            spans.append((i, i + len(key), iri))
            i = text.find(key, i + 1)
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out, cursor = [], 0
    for s in spans:
        if s[0] >= cursor:
            out.append(s)
            cursor = s[1]
    return out


def jieba_matcher(labels: dict[str, str]):
    tok = jieba.Tokenizer()
    tok.initialize()
    for key in labels:
        tok.add_word(key, freq=10 ** 7)
    tok.add_word  # noqa: B018 - keep the tokenizer warm

    def find(text: str):
        out, pos = [], 0
        for word in tok.cut(text, HMM=False):
            if word in labels:
                out.append((pos, pos + len(word), labels[word]))
            pos += len(word)
        return out

    return find


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=50)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    concepts = [c for c in load_concepts() if c.scheme in ("mechanism", "campaign")]
    labels: dict[str, str] = {}
    for c in concepts:
        for label in (c.pref_label, *c.alt_labels):
            k = match_key(label)
            if len(k) >= 2:
                labels.setdefault(k, c.iri)
    ac = LabelMatcher(concepts)
    jb = jieba_matcher(labels)
    docs = texts()
    big = "\n".join(docs) * args.repeat
    mb = len(big.encode("utf-8")) / 1e6

    def ac_find(t):
        return [(h.start, h.end, h.concept.iri) for h in ac.find(t)]

    print(f"{len(concepts)} concepts, {len(labels)} labels, corpus {mb:.1f} MB (seeds x{args.repeat})")
    print(f"{'matcher':<14}{'agree w/ reference':>20}{'hits':>8}{'MB/s (median)':>16}")
    ref_hits = [reference(t, labels) for t in docs]
    for name, fn in (("aho-corasick", ac_find), ("jieba+userdict", jb)):
        got = [fn(t) for t in docs]
        agree = sum(g == r for g, r in zip(got, ref_hits))
        times = []
        for _ in range(args.runs):
            # a new string object each run: the matcher remembers the last text it searched
            text = "".join([big[:1], big[1:]])
            t0 = time.perf_counter()
            fn(text)
            times.append(time.perf_counter() - t0)
        hits = sum(len(g) for g in got)
        print(f"{name:<14}{f'{agree}/{len(docs)} docs':>20}{hits:>8}{mb / statistics.median(times):>16.2f}")
        missing = {x for r, g in zip(ref_hits, got) for x in set(r) - set(g)}
        if missing:
            print(f"  missed by {name}: {sorted({labels_key for labels_key in (m[2].rsplit('/', 1)[-1] for m in missing)})[:10]}")


if __name__ == "__main__":
    main()
