"""Every constant that changes a decision, in two frozen records: :class:`AlignParams` for
the alignment, :class:`CheckParams` for the checks.

A report's ``settings`` hold their fields, the versions and a one-line :func:`signature`
(as sacrebleu does), so a result can be reproduced. Pass changed values to
:func:`bitext.align` / :func:`bitext.check`:

>>> import bitext
>>> params = bitext.AlignParams(threshold=0.5)
>>> params.threshold, params.weights["content"]
(0.5, 0.6)
>>> bitext.CheckParams().z_low
-1.5
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any


@dataclass(frozen=True)
class AlignParams:
    """What the alignment decides with (see :mod:`bitext.alignment`)."""

    # --- the row score: weighted mean of the components that apply
    weight_content: float = 0.6  # cell similarity is the main evidence that two rows say the same
    weight_anchors: float = 0.15  # shared numbers and names: strong when present, often absent
    weight_position: float = 0.25  # same place in the paired tables: breaks ties of repeated goals
    threshold: float = 0.45  # a paired row scoring under this is reported as two one-sided rows
    leftover_threshold: float = 0.55  # rows paired outside the structure need more evidence
    leftover_position_weight: float = 0.8  # position across the whole document says less
    # --- column shifts
    max_shift: int = 1  # rows whose content sits this many columns off are still recognised
    shift_penalty: float = 0.08  # a shifted reading must beat the straight one clearly
    shift_min_columns: int = 3  # a shift needs this many overlapping columns to mean anything
    # --- calibration of cosines on this document pair
    seed: int = 0  # the calibration sample is random: seeded, so results are reproducible
    calibration_sample: int = 400  # cells sampled per column: enough for stable medians, bounded cost
    calibration_min_gap: float = 0.02  # typical cosine at least this far above background (no divide by ~0)
    calibration_background: float = 0.8  # background cosine assumed for a column empty on one side
    calibration_typical: float = 0.9  # typical cosine assumed for a column empty on one side
    # --- exact vs approximate pairing
    dense_limit: int = 250_000  # up to this many row pairs: scored whole, Hungarian; above: candidates, greedy
    candidate_k: int = 8  # each row's k most similar rows are candidates in a large block
    candidate_band: float = 0.01  # plus the rows within this share of the block around the diagonal
    candidate_band_min: int = 3  # ... and at least this many rows either side
    # --- parts and tables (groups of rows)
    group_dense_limit: int = 400  # up to this many group pairs: all scored; above: nearest candidates
    group_candidate_k: int = 5  # nearest groups by centroid scored for each group when there are many
    group_neighbours: int = 2  # plus the groups this many places either side by position
    group_content_weight: float = 0.7  # coverage + title weight together (coverage = this − title weight)
    group_position_weight: float = 0.2  # same place in the document
    group_size_weight: float = 0.1  # similar number of rows
    part_title_weight: float = 0.15  # part titles differ more across versions than table headings
    part_threshold: float = 0.3  # parts scoring under this stay unpaired (rows go to the left-overs)
    table_title_weight: float = 0.3  # a table's heading (the goal) is good evidence
    table_threshold: float = 0.35  # tables scoring under this stay unpaired
    # --- split rows and unrelated inputs
    split_gain: float = 0.05  # a one-sided row joins its neighbour's match when the join is this much closer
    min_matched_share: float = 0.2  # under this share of rows paired, the inputs are not two versions of one document
    # --- real documents (issue 9 classes 5 and 7, issue 11, issue 14 item 9)
    group_join_gain: float = 0.0  # an unpaired table next to a paired one joins it when the joined fit is better by more than this (a table split in one version)
    order_band: float = 0.1  # a best pair this far apart in relative position is out of order
    order_disorder: float = 0.25  # above this share of best pairs out of order, the two tables are sorted differently ...
    order_position_scale: float = 0.2  # ... and position counts this much of its weight there
    order_min_pairs: int = 8  # fewer best pairs say nothing about the order
    lexicon_weight: float = 0.3  # share of the content given to the lexicon's coverage where it is computed
    lexicon_margin: float = 0.1  # a row is ambiguous when partners score within this of its best ...
    lexicon_candidates: int = 5  # ... among its this many best: only those pairs (and each row's best) get the (costly) coverage
    lexicon_common: float = 0.25  # a word in more than this share of a table's rows does not propose candidates
    candidate_band_max: int = 20  # the diagonal band of a large block stops growing here (else n × share·n pairs)
    group_coverage_sample: int = 500  # rows sampled per side for a large group's coverage (n × m otherwise)
    # --- repeated labels (balance sheets: "Övriga" under several headings)
    gap_coverage: float = 0.4  # rows left one-sided in a gap of the same size in both versions, between the same paired rows of one table, pair in order when the lexicon covers this share of their words (their place is certain; a heading the embedding reads poorly kept them under ``threshold``)
    order_margin: float = 0.05  # a best pair counts as evidence of the tables' order only when both rows' next-best partners score this much lower: a row with near-twins, or a short word the embedding confuses with several, says nothing about order

    @property
    def weights(self) -> dict[str, float]:
        """The row score's weights by component."""
        return {"content": self.weight_content, "anchors": self.weight_anchors, "position": self.weight_position}


@dataclass(frozen=True)
class CheckParams:
    """What the checks decide with (see :mod:`bitext.checks`)."""

    # --- cell_mismatch by embeddings
    margin: float = 0.02  # each cell must have a partner this much closer than its counterpart
    z_low: float = -1.5  # and the pair's cosine this many robust deviations under the column's median
    min_spread: float = 0.015  # floor of the robust spread: a column of near-identical pairs is not hair-trigger
    mad_scale: float = 1.4826  # MAD → standard deviation of a normal distribution
    min_column_pairs: int = 3  # a column needs this many distinct aligned pairs for statistics
    # --- translation memory
    tm_min_repeats: int = 2  # a text must repeat this often before its renderings are compared
    tm_same: float = 0.95  # within-language cosine above which two renderings say the same thing
    tm_clear: float = 0.03  # without a majority, a rendering this much closer to the source is the reference
    tm_majority: int = 3  # a majority group needs this many rows ...
    tm_majority_ratio: float = 3.0  # ... and this many times the next group's
    tm_typo_ratio: float = 0.85  # wordings more alike than this (characters) are typos, not inconsistencies
    # --- terms (the leading part of a cell, e.g. the responsible body)
    term_max_words: int = 3  # a leading part longer than this is a phrase, not a term
    term_min_rows: int = 3  # a term must be rendered in this many rows ...
    term_min_renderings: int = 2  # ... in at least this many ways to be inconsistent
    # --- language
    wrong_language_probability: float = 0.9  # language detection must be this sure of the other language
    wrong_language_min_words: int = 3  # shorter cells are too short to tell the language
    familiar_cells: int = 2  # a word in this many cells of its own version belongs to that version
    stray_own_max: int = 2  # a stray word occurs at most this often in its own version ...
    stray_other_ratio: int = 3  # ... and this many times as often in the other
    untranslated_min_word: int = 3  # a copied cell counts when it has a word this long (not a code)
    # --- lexical coverage (the learnt fi–sv lexicon): omissions, rewordings
    coverage_min_spread: float = 0.05  # floor of the robust spread of a column's coverage (shares, not cosines)
    omission_min_p: float = 0.9  # a missing word's translation must be this sure: the statute-learnt lexicon is noisy below
    omission_z: float = -0.5  # the cell's coverage must be under the column's typical by this many robust deviations
    omission_min_items: int = 3  # a dropped item needs a list: the cell has at least this many items
    omission_gap_pairs: int = 3  # a word left uncovered in this many distinct pairs of a column is a gap of the lexicon
    tm_rewording_z: float = -0.5  # a translation-memory disagreement whose coverage is this typical is a rewording
    # --- structure (issue 9 class 7): splits and moves reported once, as structure
    structure_split_gain: float = 0.05  # a one-sided row without numbers joins a split when the join is this much closer (as AlignParams.split_gain)
    structure_split_rows: int = 4  # a split grows by at most this many one-sided rows either way (a cell listing a few items)
    structure_split_length: float = 0.75  # ... and the whole row is this long against its parts together (sv/fi lengths differ ±25%)
    structure_moved_scaled: float = 0.5  # a row is a moved note when its nearest paragraph is at least halfway from background to a faithful pair
    # --- paired tables of different widths: which column of one is which of the other
    column_map_min_pairs: int = 3  # a column pair's similarity counts from this many filled cell pairs (fewer: chance)
    column_map_gain: float = 0.02  # another column correspondence replaces the straight one when it is this much closer per matched row
    # --- real statutes (phase C noise)
    cell_rewording_z: float = -0.5  # an embedding cell_mismatch whose lexical coverage is this typical for the column is a short synonym pair ("get" / "vuohi"), not reported
    # --- repeated labels (phase D)
    duplicate_alike: float = 0.97  # copies of a row each paired with its own row of the other version are no duplicate when those rows read this alike (difflib ratio, digits left out): one copy footnoted or mistyped there
    # --- lists of names laid out in a grid (municipalities, courts): compared as lists
    list_min_items: int = 12  # a grid list has at least this many names a side (a short table of names is read as rows)
    list_min_columns: int = 3  # ... filled in at least this many columns; in two, only when its rows do not correspond (a two-column table may pair names, e.g. fi | sv)
    list_name_share: float = 0.9  # ... this share of its cells are names (capitalised, no digits, at most list_max_words words)
    list_max_words: int = 3  # a name has at most this many words ("Gustav Adolfs", "Länsi- Turunmaa")
    list_unpaired_share: float = 0.1  # a two-column table of names is a list only when this share of the two tables' rows found no partner (its rows do not correspond)
    list_max_spanned_rows: int = 1  # a list may have this many rows whose first cell is empty (a name dropped there); more are a structure (a court and its places in the rows below)


def as_settings(params: Any) -> dict[str, Any]:
    """A params record as a plain dict for a report's settings."""
    return asdict(params)


def signature(align: AlignParams, checks: "CheckParams | None", versions: dict[str, str]) -> str:
    """One line naming everything that produced a result: the versions, then each setting
    that differs from its default (``default`` when none does), as sacrebleu's signature.

    >>> signature(AlignParams(threshold=0.5), CheckParams(), {"bitext": "1.0", "model": "m"})
    'bitext:1.0|model:m|align:threshold=0.5|checks:default'
    """
    parts = [f"{k}:{v}" for k, v in versions.items()]
    for name, params, default in (("align", align, AlignParams()), ("checks", checks, CheckParams())):
        if params is None:
            continue
        changed = [f"{f.name}={getattr(params, f.name)}" for f in fields(params) if getattr(params, f.name) != getattr(default, f.name)]
        parts.append(f"{name}:" + (",".join(changed) or "default"))
    return "|".join(parts)
