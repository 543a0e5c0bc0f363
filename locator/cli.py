"""Command line: ``python -m locator QUERY...``.

Prints a readable answer per query, or with ``--json`` one JSON object per
line, in the order given. ``--csv FILE`` (``-`` for standard input) answers a
whole list and writes CSV. A query that fails gets its own error and never
stops the others; the exit code is 0 only if every query was answered
(1 otherwise, 2 for a usage error).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

from locator import bulk, store
from locator.answer import Answer
from locator.errors import LocatorError
from locator.service import Locator
from locator.text import readable


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m locator",
        description="Find the nearest clinic for UK postcodes, Eircodes or town names.",
        epilog="Examples: python -m locator SL6 8DG   ·   python -m locator --json -- 'BT1 1AA' Galway   ·   "
               "python -m locator --csv patients.csv > answers.csv",
    )
    parser.add_argument("queries", nargs="*", metavar="QUERY",
                        help="a postcode, Eircode or town; quote one that has a space ('SL6 8DG')")
    parser.add_argument("--json", action="store_true", help="print one JSON object per query, one per line")
    parser.add_argument("--csv", metavar="FILE",
                        help="answer every row of a CSV or plain list (- for standard input) and write CSV")
    parser.add_argument("--output", "-o", metavar="FILE", type=Path, help="write to FILE instead of standard output")
    parser.add_argument("--version", action="store_true",
                        help="say which postcode data (Code-Point Open release) the answers come from")
    return parser


def _describe(answer: Answer) -> str:
    loc, d, contact = answer.location, answer.distance, answer.contact
    located = f"located by {loc.precision.value}"
    lines = [
        f"{answer.query}: nearest clinic {answer.clinic.name} ({answer.clinic.address_line})",
        f"  {loc.normalised}, {located}: about {d.miles:.1f} miles ({d.km:.1f} km) in a straight line",
        f"  Call {contact.phone_dial} or email {contact.email}",
        "  All clinics: " + ", ".join(
            f"{c.clinic.name} {c.miles:.1f} mi" + ("" if c.serves_you else f" (not for {loc.region.label})")
            for c in answer.distances),
    ]
    if loc.note:
        lines.append(f"  Note: {loc.note}")
    return "\n".join(lines)


def _answer_queries(locator: Locator, queries: list[str], as_json: bool, out) -> bool:
    answers = bulk.answer_list(locator, queries)
    for row in answers:
        if as_json:
            out.write(json.dumps(row.to_dict(), ensure_ascii=False))
        elif row.answer is not None:
            out.write(_describe(row.answer))
        elif row.error is not None:
            out.write(f"{readable(row.query)}: error: {row.error.message}")
        out.write("\n")
    return answers.all_answered


def _answer_csv(locator: Locator, source: str, out) -> bool:
    data = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    answers = bulk.answer_list(locator, bulk.read_queries_csv(data))
    out.write(bulk.to_csv(answers.table()))
    return answers.all_answered


def _version() -> int:
    try:
        built = store.load()
    except LocatorError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    print(f"Clinic Locator: postcodes from {built.release} ({built.meta['units']:,} postcodes; "
          f"index built {built.meta['built_at']})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.version:
        return _version()
    if not args.queries and not args.csv:
        parser.error("give at least one QUERY, or --csv FILE")
    if args.csv and args.queries:
        parser.error("give QUERY arguments or --csv FILE, not both")
    if isinstance(sys.stdout, io.TextIOWrapper):
        # Place names have accents (Dún Laoghaire): never fail on a terminal's narrow encoding.
        sys.stdout.reconfigure(encoding="utf-8")
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        locator = Locator.load()
        if args.csv:
            return 0 if _answer_csv(locator, args.csv, out) else 1
        return 0 if _answer_queries(locator, args.queries, args.json, out) else 1
    except LocatorError as exc:
        # Standard error is the operator's: the sentence for people, then what to do about it.
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.detail:
            print(f"detail: {exc.detail}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    finally:
        if out is not sys.stdout:
            out.close()
