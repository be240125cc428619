#!/usr/bin/env python3
"""I/O benchmark driver: how fast does `contactio-bench read` get through a contacts file, next to
cat, gzip -dc, Python's csv module, orjson, polars and duckdb?

Builds `contactio-bench` (release) unless --skip-build, generates benchmarks/data/ with gen_contacts.py when
it is missing or was made with other arguments, runs every case --runs times under GNU `/usr/bin/time -v`
(page cache warm), and prints a markdown report on stdout; progress goes to stderr.

Every contender reads every record and touches every field; those that print a JSON line
`{"records":N,"rowErrors":E,"fields":F,...}` have it shown in a second table, so one can check that all of
them counted the same rows.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_DIR = os.path.dirname(BENCH_DIR)
DATA_DIR = os.path.join(BENCH_DIR, "data")
RESULTS_MD = os.path.join(BENCH_DIR, "RESULTS.md")
BEGIN_MARK, END_MARK = "<!-- io:begin -->", "<!-- io:end -->"

sys.path.insert(0, BENCH_DIR)
sys.dont_write_bytecode = True  # no __pycache__ in benchmarks/ (it is not git-ignored)
import gen_contacts  # noqa: E402  (same folder; gives the generator version and the header)

CSV, GZ, NDJSON = "contacts.csv", "contacts.csv.gz", "contacts.ndjson"
BASELINES = [("cat", "× cat time"), ("gzip-dc", "× gzip -dc time"), ("python-csv", "× Python csv time")]

# --- Inline contender scripts (run as `python3 -c SCRIPT FILE`); each prints one JSON line. ------------------

PY_CSV = r"""
import csv, gzip, json, sys
path = sys.argv[1]
f = gzip.open(path, "rt", newline="", encoding="utf-8") if path.endswith(".gz") else \
    open(path, newline="", encoding="utf-8")
records = row_errors = fields = chars = 0
with f:
    reader = csv.reader(f)
    width = len(next(reader))
    for row in reader:
        records += 1
        if len(row) != width:
            row_errors += 1
        fields += len(row)
        for value in row:
            chars += len(value)
print(json.dumps({"records": records, "rowErrors": row_errors, "fields": fields, "checksum": chars}))
"""

PY_ORJSON = r"""
import json, sys, orjson
def walk(v):  # (values, chars) of a decoded JSON value, nested containers included
    if type(v) is str:
        return 1, len(v)
    if type(v) is dict:
        v = v.values()
    elif type(v) is not list:
        return 1, len(str(v))
    n = c = 0
    for x in v:
        a, b = walk(x)
        n += a
        c += b
    return n, c
records = fields = chars = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        if not line.strip():
            continue
        records += 1
        for value in orjson.loads(line).values():
            if type(value) is str:
                fields += 1
                chars += len(value)
            else:
                a, b = walk(value)
                fields += a
                chars += b
print(json.dumps({"records": records, "rowErrors": 0, "fields": fields, "checksum": chars}))
"""

# Lazy scan + streaming engine. Ragged rows: extra fields are dropped, missing ones become null.
PY_POLARS = r"""
import json, sys, polars as pl
lf = pl.scan_csv(sys.argv[1], infer_schema=False, truncate_ragged_lines=True, ignore_errors=True)
q = lf.select(pl.len().alias("records"),
              pl.sum_horizontal(pl.all().str.len_chars().cast(pl.UInt64).fill_null(0)).sum().alias("chars"))
try:
    df = q.collect(engine="streaming")
except TypeError:  # polars < 1.23
    df = q.collect(streaming=True)
records, chars = df.row(0)
print(json.dumps({"records": records, "checksum": chars}))
"""

# Dialect given (the sniffer gives up on this messy file); all_varchar: no type inference; store_rejects:
# malformed rows are skipped but counted (rowErrors). duckdb >= 2 has no Relation.fetchone(): use fetchall().
PY_DUCKDB = r"""
import json, sys, duckdb
con = duckdb.connect()
row = con.sql("SELECT count(*), sum(coalesce(length(COLUMNS(*)), 0)) FROM read_csv(?, header=true, "
              "all_varchar=true, delim=',', quote='\"', escape='\"', store_rejects=true)",
              params=[sys.argv[1]]).fetchall()[0]
rejected = con.sql("SELECT count(DISTINCT line) FROM reject_errors").fetchall()[0][0]
print(json.dumps({"records": row[0] + rejected, "rowErrors": rejected, "checksum": int(sum(row[1:]))}))
"""


@dataclass
class Case:
    name: str
    input: str  # file name in DATA_DIR
    argv: list[str]  # command; the input path is appended
    label: str  # shown in the table
    module: str | None = None  # Python module the case needs
    ours: bool = False
    json_out: bool = True  # prints a JSON counts line on stdout
    unavailable: str | None = None  # reason, if it cannot run here


@dataclass
class Result:
    case: Case
    wall: float | None = None  # best (min) wall time over the runs, seconds
    rss_kb: int | None = None  # peak RSS of the best run
    cpu: float | None = None  # user + sys of the best run
    counts: dict | None = None  # parsed JSON line of the best run
    error: str | None = None


MAPPING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "contacts.mapping.yml")


def make_cases(bin_path: str) -> list[Case]:
    py = sys.executable
    ours = [
        ("ours-csv", CSV, []), ("ours-csv-gz", GZ, []), ("ours-ndjson", NDJSON, []),
        ("ours-ndjson-foundation-serialization", NDJSON, ["--json-engine", "foundation-serialization"]),
        ("ours-ndjson-foundation-decoder", NDJSON, ["--json-engine", "foundation-decoder"]),
    ]
    return [
        Case("cat", CSV, ["cat"], "`cat contacts.csv > /dev/null`", json_out=False),
        Case("gzip-dc", GZ, ["gzip", "-dc"], "`gzip -dc contacts.csv.gz > /dev/null`", json_out=False),
        Case("python-csv", CSV, [py, "-c", PY_CSV], "Python `csv.reader`, summing `len(field)`"),
        Case("python-csv-gz", GZ, [py, "-c", PY_CSV], "Python `csv.reader` over `gzip.open(..., 'rt')`"),
        Case("python-orjson", NDJSON, [py, "-c", PY_ORJSON], "Python, `orjson.loads` per line", module="orjson"),
        Case("polars", CSV, [py, "-c", PY_POLARS], "polars `scan_csv` all strings, streaming collect",
             module="polars"),
        Case("duckdb", CSV, [py, "-c", PY_DUCKDB], "duckdb `read_csv` all_varchar, store_rejects",
             module="duckdb"),
    ] + [
        Case(name, inp, [bin_path, "read", *extra], f"`contactio-bench read {' '.join([*extra, inp])}`", ours=True)
        for name, inp, extra in ours
    ] + [
        # Issue #5: read + map + validate must stay within 1.5x of reading alone (ours-csv).
        Case("ours-csv-validate", CSV, [bin_path, "validate", "--mapping", MAPPING],
             "`contactio-bench validate --mapping benchmarks/contacts.mapping.yml contacts.csv` "
             "(records = valid rows, rowErrors = rejected rows)", ours=True),
        Case("ours-csv-validate-2t", CSV, [bin_path, "validate", "--mapping", MAPPING, "--threads=2"],
             "the same with `--threads=2`: a second thread validates the half after a cut at a line break, as "
             "`intercom-etl validate` does by default on a machine with more than one core", ours=True),
    ]


# --- Machine / environment -----------------------------------------------------------------------------------

def first_line(argv: list[str]) -> str | None:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if out.returncode == 0 and text else None


def module_version(name: str) -> str | None:
    """Version if `import name` works in the interpreter the cases run with, else None."""
    code = f"import {name}, importlib.metadata as m; print(m.version({name!r}))"
    return first_line([sys.executable, "-c", code])


def machine_info() -> list[tuple[str, str]]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), cpu)
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    ncpu = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info = [("CPU", f"{cpu} (nproc {ncpu})"), ("memory", mem),
            ("OS", f"{platform.system()} {platform.release()} {platform.machine()}"),
            ("Python", platform.python_version())]
    for label, argv in (("swift", ["swift", "--version"]), ("gzip", ["gzip", "--version"])):
        version = first_line(argv)
        if version:
            info.append((label, version))
    return info


# --- Data and build ------------------------------------------------------------------------------------------

def ensure_data(rows: int, seed: int) -> dict:
    """Reuse benchmarks/data when meta.json says it was made with these arguments and the files are intact."""
    meta_path = os.path.join(DATA_DIR, "meta.json")
    try:
        with open(meta_path) as f:
            meta = json.load(f)
        if (meta.get("rows"), meta.get("seed"), meta.get("generator_version")) == \
                (rows, seed, gen_contacts.GENERATOR_VERSION) and \
                all(os.path.getsize(os.path.join(DATA_DIR, n)) == s for n, s in meta["bytes"].items()):
            return meta
    except (OSError, ValueError, KeyError, TypeError):
        pass
    print(f"generating {rows:,} rows into {DATA_DIR} ...", file=sys.stderr)
    cmd = [sys.executable, os.path.join(BENCH_DIR, "gen_contacts.py"), "--rows", str(rows), "--seed", str(seed),
           "--out", DATA_DIR]
    subprocess.run(cmd, check=True)
    with open(meta_path) as f:
        return json.load(f)


def build() -> None:
    cmd = ["swift", "build", "-c", "release", "--product", "contactio-bench"]
    print(f"$ {' '.join(cmd)}", file=sys.stderr)
    # The build's output goes to stderr so stdout stays a clean report.
    try:
        rc = subprocess.run(cmd, cwd=REPO_DIR, stdout=sys.stderr).returncode
    except OSError as e:
        sys.exit(f"run_io: cannot run swift: {e}")
    if rc != 0:
        sys.exit("run_io: the release build of contactio-bench failed (use --skip-build to benchmark the "
                 "binary that is there)")


def warm_cache(path: str) -> None:
    with open(path, "rb", buffering=0) as f:
        while f.read(1 << 20):
            pass


# --- Running -------------------------------------------------------------------------------------------------

def parse_time_v(text: str) -> tuple[int | None, float | None]:
    """(max RSS in KiB, user + sys seconds) from GNU time -v output."""
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    cpu = float(user.group(1)) + float(system.group(1)) if user and system else None
    return (int(rss.group(1)) if rss else None), cpu


def run_once(case: Case, path: str, timeout: float) -> tuple[float, int | None, float | None, dict | None]:
    """One timed run; raises RuntimeError on failure. Wall time is measured here (finer than time's 10 ms)."""
    with tempfile.NamedTemporaryFile("r", prefix="run_io_time_", suffix=".txt") as tfile:
        argv = ["/usr/bin/time", "-v", "-o", tfile.name, *case.argv, path]
        stdout = subprocess.PIPE if case.json_out else subprocess.DEVNULL
        started = time.perf_counter()
        # Own session, so that on timeout the whole group (time + contender) can be killed.
        proc = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE, start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise RuntimeError(f"timed out after {timeout:.0f} s")
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            lines = [line.strip() for line in err.decode(errors="replace").splitlines() if line.strip()]
            # The line naming the error if there is one (Python tracebacks and duckdb put it first or last).
            what = next((line for line in lines if "Error" in line or "error" in line), lines[-1] if lines else "")
            raise RuntimeError(f"exit {proc.returncode}: {what[:200]}")
        rss, cpu = parse_time_v(tfile.read())
    counts = None
    if case.json_out:
        for line in reversed(out.decode(errors="replace").splitlines()):
            try:
                counts = json.loads(line)
                break
            except ValueError:
                continue
        if not isinstance(counts, dict):
            raise RuntimeError("no JSON counts line on stdout")
    return wall, rss, cpu, counts


def run_cases(cases: list[Case], runs: int, timeout: float, interleave: bool) -> dict[str, Result]:
    """Runs each case `runs` times and keeps its best run: one case after another, or, with `interleave`, a run of
    each case in turn (so that a busy spell of the shared machine falls on every case alike, not on one)."""
    results = {c.name: Result(c) for c in cases}
    for c in cases:
        warm_cache(os.path.join(DATA_DIR, c.input))
    order = [(i, c) for i in range(runs) for c in cases] if interleave else [(i, c) for c in cases for i in range(runs)]
    for i, case in order:
        res = results[case.name]
        if res.error:
            continue
        if i == 0:
            print(f"{case.name}: {case.label} on {case.input}", file=sys.stderr)
        try:
            wall, rss, cpu, counts = run_once(case, os.path.join(DATA_DIR, case.input), timeout)
        except RuntimeError as e:
            res.error = str(e)
            print(f"  {case.name}: run {i + 1} FAILED: {e}", file=sys.stderr)
            continue
        print(f"  {case.name}: run {i + 1}/{runs} {wall:.3f} s", file=sys.stderr)
        if res.wall is None or wall < res.wall:
            res.wall, res.rss_kb, res.cpu, res.counts = wall, rss, cpu, counts
    return results


# --- Report --------------------------------------------------------------------------------------------------

def md_table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    align = ["---:" if i in right else "---" for i in range(len(header))]
    return ["| " + " | ".join(cells) + " |" for cells in [header, align, *rows]]


def fmt_rate(x: float) -> str:
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.0f} k"


def report(results: list[Result], meta: dict, info: list[tuple[str, str]], notes: list[str],
           runs: int) -> list[str]:
    sizes = meta["bytes"]
    raw_size = {CSV: sizes[CSV], GZ: sizes[CSV], NDJSON: sizes[NDJSON]}  # bytes of the uncompressed input
    best = {r.case.name: r.wall for r in results if r.wall}
    lines = [f"- {k}: {v}" for k, v in info]
    lines += [f"- rows: {meta['rows']:,} (seed {meta['seed']}; {meta['expected_row_errors']:,} with a wrong field "
              "count)",
              "- files: " + ", ".join(f"`{n}` {s / 1e6:.1f} MB" for n, s in sizes.items()),
              f"- best of {runs} run(s), page cache warm; wall time includes process start-up (and for Python "
              "cases interpreter start-up and imports); MB = 10^6 bytes", ""]

    header = ["case", "input", "time (s)", "MB/s", "rows/s", *(label for _, label in BASELINES), "peak RSS (MB)"]
    rows = []
    for r in results:
        c = r.case
        if r.wall is None:
            why = c.unavailable or "failed (see below)"
            rows.append([c.name, f"`{c.input}`", why] + ["–"] * (len(header) - 3))
            continue
        ratios = [f"{r.wall / best[b]:.2f}" if b in best else "–" for b, _ in BASELINES]
        rows.append([c.name, f"`{c.input}`", f"{r.wall:.3f}", f"{raw_size[c.input] / 1e6 / r.wall:.0f}",
                     fmt_rate(meta["rows"] / r.wall), *ratios,
                     f"{r.rss_kb * 1024 / 1e6:.1f}" if r.rss_kb is not None else "?"])
    lines += md_table(header, rows, right=set(range(2, len(header))))
    lines += ["", "MB/s = bytes of the uncompressed input (`contacts.csv` for the .gz) / time. "
              "× columns = case time / baseline time (< 1 means faster than the baseline).", ""]
    lines += [f"- `{r.case.name}`: {r.case.label}" for r in results]
    failed = [r for r in results if r.wall is None and not r.case.unavailable]
    if failed:
        lines += [""] + [f"- **{r.case.name} failed**: {r.error}" for r in failed]
    lines += [""]

    # Counts, so that one can see that everybody read the same number of rows.
    header = ["case", "records", "rowErrors", "fields", "CPU user+sys (s)"]
    rows = [["expected (generator)", f"{meta['rows']:,}", f"{meta['expected_row_errors']:,}", "", ""]]
    for r in results:
        if r.wall is None or not r.case.json_out:
            continue
        got = r.counts or {}
        cells = [f"{got[k]:,}" if isinstance(got.get(k), int) else "–" for k in ("records", "rowErrors", "fields")]
        rows.append([r.case.name, *cells, f"{r.cpu:.2f}" if r.cpu is not None else "?"])
    lines += md_table(header, rows, right={1, 2, 3, 4})
    lines += ["", "records = data rows seen, malformed ones included; rowErrors = rows with a wrong field count "
              "(NDJSON has none; polars does not report them; duckdb counts the rows it rejects, but accepts a "
              "row with one extra, empty field); fields = values touched. "
              "CPU above the wall time means the tool used several threads."]
    if notes:
        lines += [""] + [f"Note: {n}" for n in notes]
    return lines


def write_results(section: list[str]) -> None:
    block = "\n".join([BEGIN_MARK, *section, END_MARK])
    if os.path.exists(RESULTS_MD):
        with open(RESULTS_MD, encoding="utf-8") as f:
            text = f.read()
    else:
        text = ("# Benchmark results\n\nMeasured by the scripts in this folder; each section between its "
                "`<!-- name:begin -->` / `<!-- name:end -->` markers is rewritten by the script that made it "
                "(e.g. `python3 benchmarks/run_io.py --write-results`).\n")
    start, end = text.find(BEGIN_MARK), text.find(END_MARK)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(END_MARK):]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    with open(RESULTS_MD, "w", encoding="utf-8") as f:
        f.write(text)
    print(f"wrote the io section of {RESULTS_MD}", file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=1_000_000, help="data rows to generate/use (default 1000000)")
    p.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    p.add_argument("--runs", type=int, default=3, help="runs per case; the best one counts (default 3)")
    p.add_argument("--bin", default=".build/release/contactio-bench",
                   help="contactio-bench binary, relative to the repo root unless absolute")
    p.add_argument("--skip-build", action="store_true", help="do not run `swift build -c release` first")
    p.add_argument("--only", help="comma-separated case names to run (default: all)")
    p.add_argument("--interleave", action="store_true",
                   help="run one run of each case in turn instead of all runs of a case together, so that a busy "
                        "spell of the shared machine does not fall on one case alone")
    p.add_argument("--timeout", type=float, default=300, help="hard limit per run, seconds (default 300)")
    p.add_argument("--write-results", action="store_true",
                   help=f"replace the {BEGIN_MARK} ... {END_MARK} section of benchmarks/RESULTS.md")
    args = p.parse_args()
    if args.runs < 1 or args.rows < 1:
        p.error("--runs and --rows must be >= 1")

    bin_path = os.path.join(REPO_DIR, args.bin)  # join keeps an absolute --bin as it is
    cases = make_cases(bin_path)
    if args.only:
        wanted = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = sorted(set(wanted) - {c.name for c in cases})
        if unknown:
            p.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(c.name for c in cases)}")
        cases = [c for c in cases if c.name in wanted]

    notes = []
    if any(c.ours for c in cases):
        if not args.skip_build:
            build()
        if not (os.path.isfile(bin_path) and os.access(bin_path, os.X_OK)):
            msg = (f"contactio-bench binary not found at {bin_path}; our cases are skipped "
                   "(build it with `swift build -c release --product contactio-bench`, or pass --bin)")
            print(f"run_io: {msg}", file=sys.stderr)
            notes.append(msg)
            cases = [c for c in cases if not c.ours]

    versions = {}
    for c in cases:
        if c.module:
            if c.module not in versions:
                versions[c.module] = module_version(c.module)
            if versions[c.module] is None:
                c.unavailable = "not installed"
            else:
                c.label += f" ({c.module} {versions[c.module]})"

    info = machine_info()
    meta = ensure_data(args.rows, args.seed)
    if args.interleave:
        notes.append("runs interleaved: one run of each case in turn, then the next round")
    measured = run_cases([c for c in cases if not c.unavailable], args.runs, args.timeout, args.interleave)
    results = [measured.get(c.name) or Result(c) for c in cases]

    lines = report(results, meta, info, notes, args.runs)
    print("\n".join(lines))
    if args.write_results:
        cmd = " ".join(["python3 benchmarks/run_io.py", *sys.argv[1:]])
        today = datetime.date.today().isoformat()
        write_results([f"## I/O: reading the contacts file ({today})", "", f"`{cmd}`", "", *lines])


if __name__ == "__main__":
    main()
