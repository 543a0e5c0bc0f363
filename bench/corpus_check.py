"""Proof that a change leaves behaviour alone: the CLI's output over a corpus of >20,000 queries, byte for byte.

The corpus is made from the built index with a fixed seed (so it is not kept
in the repository): live and terminated postcodes as typed in several ways,
sectors, districts, postcode areas, places, post towns, counties and islands,
Eircode routing keys and full Eircodes, slips, overseas and special codes,
and nonsense. Each of ``python -m locator``'s three outputs (text, ``--json``,
``--csv``) is saved with its standard error and exit code.

Before a change, on the old tree::

    .venv/bin/python bench/corpus_check.py --corpus /tmp/corpus.csv --make --out /tmp/before

After it, on the new tree (exit code 1 and the first differing line if any output differs)::

    .venv/bin/python bench/corpus_check.py --corpus /tmp/corpus.csv --out /tmp/after --against /tmp/before
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 18
OUTPUTS = ("text", "json", "csv")

NOISE = [
    "", " ", "N/A", "n/a", "none", "=1+1", '=HYPERLINK("x")', "+44 1628 123456", "07700 900123",
    "someone@example.com", "http://example.com", "<script>alert(1)</script>", "' OR 1=1 --", "?", "!!!",
    "SL6 8DG SL6 8DG", "SL6 8DG and RG1 1DB", "Flat 2, 12 High Street, Maidenhead SL6 8DG",
    "x" * 101, "x" * 100, "SL6 8DG" + " " * 95, "Dún Laoghaire", "Dun Laoghaire", "Cork",
    "Galway", "Belfast", "Glasgow", "Liverpool", "London", "Isle of Wight", "Shetland", "Wales",
    "Northern Ireland", "Ireland", "Scotland", "England", "Jersey", "Guernsey", "Isle of Man", "Sark",
    "12345", "ZZ1 1ZZ", "QQ1 1QQ", "A", "AA", "AA1", "SW1A 1AA", "EC1A 1BB", "W1G 8AJ", "HP7 0HP",
    "D18 X5K7", "d18x5k7", "D6W", "D6W 1234", "T12 AB34", "BT1 1AA", "BT", "IM1 1AA", "JE2 3AB", "GY1 1AA",
]
SPECIAL = [
    "TDCU 1ZZ", "BFPO 801", "KY1-1234", "ASCN 1ZZ", "STHL 1ZZ", "FIQQ 1ZZ", "GX11 1AA", "BF1 3AA", "GIR 0AA",
    "BX1 1LT", "XM4 5HQ", "AB1 2CD", "AB10 1XG", "SAN TA1", "SIQQ 1ZZ", "PCRN 1ZZ", "TKCA 1ZZ", "BBND 1ZZ",
    "MSR 1110", "VG1110", "AI-2640", "KY1-1100", "BFPO 1", "BF1 1AA",
]


def make_corpus() -> list[str]:
    """The queries, the same for the same built index."""
    sys.path.insert(0, str(ROOT))
    from locator import Locator

    index = Locator.load().index
    rng = random.Random(SEED)
    keys = index.unit_keys

    def spaced(i: int) -> str:
        key = keys[i].decode()
        return f"{key[:-3]} {key[-3:]}"

    def slip(s: str) -> str:  # O for 0, I for 1, two characters swapped, one dropped
        kind = rng.randrange(4)
        if kind == 0:
            return s.replace("0", "O", 1)
        if kind == 1:
            return s.replace("1", "I", 1)
        if kind == 2 and len(s) > 3:
            j = rng.randrange(len(s) - 1)
            return s[:j] + s[j + 1] + s[j] + s[j + 2:]
        j = rng.randrange(len(s))
        return s[:j] + s[j + 1:]

    live = [i for i in rng.sample(range(len(keys)), 12000) if index.unit_e[i] > 0][:7000]
    dead = [i for i in range(len(keys)) if index.unit_e[i] == 0]
    q = [spaced(i) for i in live]
    q += [spaced(i) for i in rng.sample(dead, min(1500, len(dead)))]
    q += [spaced(i).lower().replace(" ", "") for i in live[:800]]
    q += [spaced(i).replace(" ", ".") for i in live[800:1000]]
    q += rng.sample(sorted(index.sectors), 1500)
    q += sorted(index.districts) + sorted(index.districts_by_town)
    q += sorted(index.postcode_areas)
    q += [p.name for p in rng.sample(list(index.places), 2500)]
    q += [p.name for p in list(index.post_towns.values())[:500]]
    q += list(index.areas_by_name)[:400]
    routing_keys = sorted(index.routing_keys)
    letters = "ACDEFHKNPRTVWXY0123456789"
    q += routing_keys
    q += [r + " " + "".join(rng.choice(letters) for _ in range(4)) for r in rng.choices(routing_keys, k=1200)]
    q += [(r + "".join(rng.choice(letters) for _ in range(4))).lower() for r in rng.choices(routing_keys, k=300)]
    q += [slip(spaced(i)) for i in rng.sample(live, 1500)]
    q += [slip(p.name) for p in rng.sample(list(index.places), 500)]
    q += SPECIAL + NOISE
    for _ in range(1500):
        q.append("".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -,.'éü") for _ in range(rng.randrange(1, 14))))
    return [s.replace("\n", " ") for s in q]


def write_corpus(path: Path, queries: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["query"])
        writer.writerows([s] for s in queries)


def read_corpus(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return [row[0] for row in list(csv.reader(f))[1:]]


def run(corpus: Path, out: Path) -> dict[str, bytes]:
    """Each output of the CLI over the corpus (standard output, standard error, exit code), written to ``out``."""
    queries = read_corpus(corpus)
    out.mkdir(parents=True, exist_ok=True)
    outputs = {}
    for name, args in (("text", ["--", *queries]), ("json", ["--json", "--", *queries]), ("csv", ["--csv", str(corpus)])):
        done = subprocess.run([sys.executable, "-m", "locator", *args], cwd=ROOT, capture_output=True)
        outputs[name] = done.stdout + b"\n--stderr--\n" + done.stderr + f"\n--rc={done.returncode}\n".encode()
        (out / f"{name}.out").write_bytes(outputs[name])
        print(f"{name:5} {len(queries):,} queries: exit {done.returncode}, {len(done.stdout):,} bytes, "
              f"sha256 {hashlib.sha256(outputs[name]).hexdigest()[:16]}")
    return outputs


def first_difference(a: bytes, b: bytes) -> str:
    for n, (line_a, line_b) in enumerate(zip(a.splitlines(), b.splitlines(), strict=False), 1):
        if line_a != line_b:
            return f"line {n}:\n  before: {line_a[:300]!r}\n  after:  {line_b[:300]!r}"
    return f"one is longer ({len(a.splitlines())} vs {len(b.splitlines())} lines)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="the corpus CSV (one column, headed query)")
    parser.add_argument("--make", action="store_true", help="make the corpus from the built index first")
    parser.add_argument("--out", type=Path, required=True, help="folder for text.out, json.out, csv.out")
    parser.add_argument("--against", type=Path, help="a folder of earlier outputs that these must equal byte for byte")
    args = parser.parse_args()
    if args.make:
        queries = make_corpus()
        write_corpus(args.corpus, queries)
        print(f"corpus: {len(queries):,} queries in {args.corpus}")
    outputs = run(args.corpus, args.out)
    if not args.against:
        return 0
    differ = [name for name in OUTPUTS if (args.against / f"{name}.out").read_bytes() != outputs[name]]
    for name in differ:
        print(f"{name} differs from {args.against}, {first_difference((args.against / f'{name}.out').read_bytes(), outputs[name])}")
    print("byte-identical" if not differ else f"DIFFERENT: {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
