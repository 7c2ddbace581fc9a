#!/usr/bin/env python3
"""Build the Finnish–Swedish word-translation lexicon shipped in ``bitext/lexicon/data/``.

Source: Finland's original statutes (Semantic Finlex, CC BY 4.0), published in Finnish and
Swedish. Both versions share one XML schema, so their text blocks (heading, pykälä/§,
momentti/moment, kohta/punkt, table entry) are paired by their structural path: the element
names along the path with each element's position among same-named siblings. Pairs whose
length or numbers disagree are dropped, sentence-split where both sides split alike, lemmatised
with simplemma and word-aligned with eflomal in both directions; the links (intersection full
weight, union-only half weight) are counted per lemma pair and kept with their probabilities.

Statutes come from ``../shared/data/finlex`` (495 pairs) and, when given, a bare git mirror of
github.com/eliask/finlex-data (``--mirror DIR``; the ``asd`` original statutes only, never the
CC BY-NC consolidated legislation). Tatoeba and the seed pair are never read: they are tests.

    python scripts/build_lexicon.py --mirror /path/to/finlex-data.git --statutes 3000

Writes ``translations.tsv.gz`` (fi_lemma, sv_lemma, p(sv|fi), p(fi|sv), count),
``idf_fi.tsv.gz`` / ``idf_sv.tsv.gz`` (lemma, segment document frequency; first line the
number of segments), ``forms_fi.tsv.gz`` / ``forms_sv.tsv.gz`` (inflected form, lemma) and ``BUILD.json`` (sizes, time, sources).
"""
from __future__ import annotations

import argparse
import collections
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "finlex"
OUT = ROOT / "bitext" / "lexicon" / "data"
MIRROR_COMMIT = "151c941fa96980ea311972be445904660b39ff41"

TOKEN = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZÅÄÖ0-9])")
MAX_TOKENS = 120  # eflomal handles long lines, but long blocks are rarely word-for-word


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def blocks(xml: bytes) -> list[tuple[tuple, str]]:
    """Text blocks of a statute with their structural path (same schema in both languages).

    A block is the first element on the way down that carries text itself (its own text or
    the tail of a child); its inline children (emphasis, sup) are part of its text.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError:
        return []
    out: list[tuple[tuple, str]] = []

    def walk(e: ET.Element, key: tuple) -> None:
        if (e.text or "").strip() or any((c.tail or "").strip() for c in e):
            text = " ".join("".join(e.itertext()).split())
            if text:
                out.append((key, text))
            return
        seen: collections.Counter = collections.Counter()
        for c in e:
            if not isinstance(c.tag, str):
                continue
            name = _local(c.tag)
            seen[name] += 1
            walk(c, key + ((name, seen[name]),))

    walk(root, ())
    return out


def _numbers(text: str) -> list[str]:
    return sorted(n.replace(",", ".") for n in NUMBER.findall(text))


def paired_segments(fi_xml: bytes, sv_xml: bytes) -> Iterator[tuple[str, str]]:
    """Structurally paired text blocks that look like translations of each other."""
    sv = dict(blocks(sv_xml))
    for key, fi_text in blocks(fi_xml):
        sv_text = sv.get(key)
        if not sv_text or key[-1][0].endswith("TunnusKooste"):  # "1 §" / "2 luku": no words
            continue
        ratio = len(sv_text) / max(1, len(fi_text))
        if not 0.6 <= ratio <= 2.0 or _numbers(fi_text) != _numbers(sv_text):
            continue  # a structural mismatch or a reworded block: not reliable
        fs, ss = SENTENCE_END.split(fi_text), SENTENCE_END.split(sv_text)
        if len(fs) == len(ss) and len(fs) > 1:
            yield from zip(fs, ss)
        else:
            yield fi_text, sv_text


def shared_pairs(folder: Path = SHARED) -> Iterator[tuple[str, bytes, bytes]]:
    for d in sorted((folder / "dev").glob("asd*")):
        if (d / "fi.xml").exists() and (d / "sv.xml").exists():
            yield d.name, (d / "fi.xml").read_bytes(), (d / "sv.xml").read_bytes()
    for fi in sorted((folder / "batch").glob("asd*.fi.xml")):
        sv = fi.with_name(fi.name.replace(".fi.xml", ".sv.xml"))
        if sv.exists():
            yield fi.name.split(".")[0], fi.read_bytes(), sv.read_bytes()


def mirror_pairs(git_dir: Path, n: int, first_year: int, skip: set[str]) -> Iterator[tuple[str, bytes, bytes]]:
    """``n`` statute pairs from a bare git mirror of eliask/finlex-data, spread evenly over
    the years (deterministic: every k-th id in sorted order)."""
    rev = MIRROR_COMMIT
    if subprocess.run(["git", "-C", str(git_dir), "cat-file", "-e", rev], capture_output=True).returncode:
        rev = "HEAD"
    listing = subprocess.run(["git", "-C", str(git_dir), "ls-tree", "-r", rev, "data/asd/fi", "data/asd/sv"],
                             capture_output=True, text=True, check=True).stdout
    blobs: dict[tuple[str, str], str] = {}
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        m = re.fullmatch(r"data/asd/(fi|sv)/(\d{4})/(asd\d+)\.xml", path)
        if m and int(m.group(2)) >= first_year:
            blobs[(m.group(3), m.group(1))] = meta.split()[2]
    ids = sorted(i for (i, lang) in blobs if lang == "fi" and (i, "sv") in blobs and i not in skip)
    step = max(1, len(ids) // max(1, n))
    chosen = ids[::step][:n]
    proc = subprocess.Popen(["git", "-C", str(git_dir), "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdin and proc.stdout

    def read(sha: str) -> bytes:
        proc.stdin.write(sha.encode() + b"\n")
        proc.stdin.flush()
        size = int(proc.stdout.readline().split()[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)
        return data

    try:
        for i in chosen:
            yield i, read(blobs[(i, "fi")]), read(blobs[(i, "sv")])
    finally:
        proc.stdin.close()
        proc.wait()


_LEMMAS: dict[tuple[str, str], str] = {}


def lemma(token: str, lang: str) -> str:
    key = (token, lang)
    if key not in _LEMMAS:
        import simplemma

        _LEMMAS[key] = simplemma.lemmatize(token, lang=lang).lower()
    return _LEMMAS[key]


def _cache_items() -> list[tuple[tuple[str, str], str]]:
    return list(_LEMMAS.items())


def lemmas(text: str, lang: str) -> list[str]:
    return [lemma(t.lower(), lang) for t in TOKEN.findall(text)]


def align(fi: list[list[str]], sv: list[list[str]], samplers: int) -> list[set[tuple[int, int]]]:
    """eflomal links fi→sv and sv→fi, as (fi index, sv index) per segment: intersection
    and union."""
    from eflomal import Aligner

    with tempfile.TemporaryDirectory() as tmp:
        fwd, rev = Path(tmp) / "fwd", Path(tmp) / "rev"
        Aligner(n_samplers=samplers).align([" ".join(s) + "\n" for s in fi], [" ".join(s) + "\n" for s in sv],
                                           links_filename_fwd=str(fwd), links_filename_rev=str(rev), quiet=True)
        out = []
        for lf, lr in zip(fwd.read_text().splitlines(), rev.read_text().splitlines()):
            a = {tuple(map(int, x.split("-"))) for x in lf.split()}
            b = {tuple(map(int, x.split("-"))) for x in lr.split()}
            out.append((a & b, a | b))
        return out


def _word(w: str) -> bool:
    return len(w) > 1 and w.replace("-", "").isalpha()


def _prepare(item: tuple[str, bytes, bytes]) -> tuple[list[tuple[str, str]], dict]:
    """One statute's paired segments as lemma strings, and the lemmas of its forms."""
    _, fx, sx = item
    out = []
    for f, s in paired_segments(fx, sx):
        fl, sl = lemmas(f, "fi"), lemmas(s, "sv")
        if any(map(_word, fl)) and any(map(_word, sl)) and len(fl) <= MAX_TOKENS and len(sl) <= MAX_TOKENS:
            out.append((" ".join(fl), " ".join(sl)))
    forms = dict(_LEMMAS)
    _LEMMAS.clear()  # each statute reports its own forms (workers live on)
    return out, forms


def build(pairs: Iterable[tuple[str, bytes, bytes]], out: Path, samplers: int, min_count: float, top: int, min_p: float, jobs: int = 1) -> dict:
    t0 = time.perf_counter()
    fi_seg: list[list[str]] = []
    sv_seg: list[list[str]] = []
    seen: set[tuple[str, str]] = set()
    statutes = 0
    forms: dict[tuple[str, str], str] = {}
    if jobs > 1:
        import multiprocessing

        pool = multiprocessing.Pool(jobs)
        results: Iterable = pool.imap(_prepare, pairs, chunksize=8)
    else:
        results = map(_prepare, pairs)
    for segs, fm in results:  # in input order: the build is deterministic
        statutes += 1
        forms.update(fm)
        for f, s in segs:
            if (f, s) in seen:  # boilerplate ("Tämä asetus tulee voimaan…") once per text
                continue
            seen.add((f, s))
            fi_seg.append(f.split())
            sv_seg.append(s.split())
    _LEMMAS.update(forms)
    t_prep = time.perf_counter() - t0
    print(f"{statutes} statutes, {len(fi_seg)} segments, {sum(map(len, fi_seg))} fi / {sum(map(len, sv_seg))} sv tokens; prep {t_prep:.0f} s", file=sys.stderr)
    links = align(fi_seg, sv_seg, samplers)
    t_align = time.perf_counter() - t0 - t_prep
    print(f"aligned in {t_align:.0f} s", file=sys.stderr)

    counts: collections.Counter = collections.Counter()
    for fl, sl, (inter, union) in zip(fi_seg, sv_seg, links):
        for i, j in union:
            if i < len(fl) and j < len(sl) and _word(fl[i]) and _word(sl[j]):
                counts[(fl[i], sl[j])] += 1.0 if (i, j) in inter else 0.5
    fi_tot: collections.Counter = collections.Counter()
    sv_tot: collections.Counter = collections.Counter()
    for (f, s), c in counts.items():
        fi_tot[f] += c
        sv_tot[s] += c
    keep: dict[tuple[str, str], tuple[float, float, float]] = {}
    by_fi: dict[str, list] = collections.defaultdict(list)
    by_sv: dict[str, list] = collections.defaultdict(list)
    for (f, s), c in counts.items():
        if c < min_count:
            continue
        pf, ps = c / fi_tot[f], c / sv_tot[s]
        by_fi[f].append((pf, s, ps, c))
        by_sv[s].append((ps, f, pf, c))
    for f, lst in by_fi.items():
        for pf, s, ps, c in sorted(lst, reverse=True)[:top]:
            if pf >= min_p:
                keep[(f, s)] = (pf, ps, c)
    for s, lst in by_sv.items():
        for ps, f, pf, c in sorted(lst, reverse=True)[:top]:
            if ps >= min_p:
                keep[(f, s)] = (pf, ps, c)

    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(keep.items())
    with gzip.GzipFile(out / "translations.tsv.gz", "wb", mtime=0) as g:  # mtime=0: byte-identical rebuilds
        g.write("fi_lemma\tsv_lemma\tp_sv_given_fi\tp_fi_given_sv\tcount\n".encode())
        for (f, s), (pf, ps, c) in rows:
            g.write(f"{f}\t{s}\t{pf:.3f}\t{ps:.3f}\t{c:g}\n".encode())
    # Inflected forms -> lemma for the forms of the training text whose lemma is in the
    # lexicon: the library lemmatises from this table (simplemma takes seconds to load).
    kept = {"fi": {f for f, _ in keep}, "sv": {s for _, s in keep}}
    for lang in ("fi", "sv"):
        with gzip.GzipFile(out / f"forms_{lang}.tsv.gz", "wb", mtime=0) as g:
            for (tok, lg), lem in sorted(_cache_items()):
                if lg == lang and lem != tok and lem in kept[lang] and _word(tok):
                    g.write(f"{tok}\t{lem}\n".encode())
    for lang, segs in (("fi", fi_seg), ("sv", sv_seg)):
        df: collections.Counter = collections.Counter()
        for seg in segs:
            df.update({w for w in seg if _word(w)})
        with gzip.GzipFile(out / f"idf_{lang}.tsv.gz", "wb", mtime=0) as g:
            g.write(f"#segments\t{len(segs)}\n".encode())
            for w, c in sorted(df.items()):
                if c >= 2:
                    g.write(f"{w}\t{c}\n".encode())
    info = {
        "statutes": statutes,
        "segments": len(fi_seg),
        "tokens_fi": sum(map(len, fi_seg)),
        "tokens_sv": sum(map(len, sv_seg)),
        "entries": len(rows),
        "fi_lemmas": len({f for f, _ in keep}),
        "sv_lemmas": len({s for _, s in keep}),
        "bytes": sum((out / n).stat().st_size for n in ("translations.tsv.gz", "idf_fi.tsv.gz", "idf_sv.tsv.gz", "forms_fi.tsv.gz", "forms_sv.tsv.gz")),
        "seconds": {"prepare": round(t_prep), "align": round(t_align), "total": round(time.perf_counter() - t0)},
        "eflomal_samplers": samplers,
        "min_count": min_count,
        "top": top,
        "min_p": min_p,
    }
    return info


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=SHARED, help="folder with the 495 shared Finlex pairs (dev/, batch/)")
    ap.add_argument("--mirror", type=Path, default=None, help="bare git dir of github.com/eliask/finlex-data")
    ap.add_argument("--statutes", type=int, default=3000, help="statute pairs to take from the mirror")
    ap.add_argument("--first-year", type=int, default=1990, help="oldest statute year taken from the mirror")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--samplers", type=int, default=2, help="eflomal parallel samplers (cores)")
    ap.add_argument("--min-count", type=float, default=2.0)
    ap.add_argument("--top", type=int, default=6, help="translations kept per lemma and direction")
    ap.add_argument("--min-p", type=float, default=0.03)
    ap.add_argument("--jobs", type=int, default=1, help="processes for reading and lemmatising")
    ap.add_argument("--export", type=Path, default=None, help="write the chosen statute pairs as ID.fi.xml/ID.sv.xml here and stop")
    ap.add_argument("--pairs-dir", type=Path, default=None, help="read statute pairs from a folder written by --export")
    a = ap.parse_args(argv)

    def sources() -> Iterator[tuple[str, bytes, bytes]]:
        if a.pairs_dir is not None:
            for fi in sorted(a.pairs_dir.glob("*.fi.xml")):
                sv = fi.with_name(fi.name.replace(".fi.xml", ".sv.xml"))
                if sv.exists():
                    yield fi.name.split(".")[0], fi.read_bytes(), sv.read_bytes()
            return
        seen = set()
        for item in shared_pairs(a.shared):
            seen.add(item[0])
            yield item
        if a.mirror is not None and a.statutes > 0:
            yield from mirror_pairs(a.mirror, a.statutes, a.first_year, seen)

    if a.export is not None:  # the chosen statutes as plain files, to build elsewhere (--pairs-dir)
        a.export.mkdir(parents=True, exist_ok=True)
        for i, fx, sx in sources():
            (a.export / f"{i}.fi.xml").write_bytes(fx)
            (a.export / f"{i}.sv.xml").write_bytes(sx)
        return 0
    info = build(sources(), a.out, a.samplers, a.min_count, a.top, a.min_p, a.jobs)
    info["sources"] = {"shared_finlex": str(a.shared.name), "pairs_dir": a.pairs_dir is not None, "mirror": MIRROR_COMMIT if a.mirror else None,
                       "mirror_statutes": a.statutes if a.mirror else 0, "first_year": a.first_year}
    (a.out / "BUILD.json").write_text(json.dumps(info, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(info, indent=1), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
