#!/usr/bin/env python3
"""Issue #23: validation at 10 million rows, and NDJSON at CSV speed; medians of alternating runs, in one run.

Groups of cases, each group run in turn (A B C A B C ...) so that its cases see the same moments of a shared, noisy
machine; each group prints median wall time, CPU time and peak RSS, and the ratios its targets ask for:

- `10m`: `inspect` and `validate` of the 10M-row file (benchmarks/gen_large.py), and the import's look at repeated
  keys (`contactio-bench repeated-keys`, two threads as `import` uses): validate <= 1.6x inspect, peak RSS <= 128 MB.
- `csv`: `inspect` and `validate` of the 1M-row CSV file: validate <= 1.5x inspect.
- `ndjson`: `inspect` and `validate` of the same rows as NDJSON, and duckdb's full read of that file (every field
  touched): validate <= 1.5x inspect, inspect <= 0.7x duckdb.

    python3 benchmarks/gen_contacts.py && python3 benchmarks/gen_large.py
    python3 benchmarks/run_scale.py [--rounds 5] [--only csv,ndjson,10m] [--write-results]

Bounded: --rounds runs of each case, each limited by --timeout.
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import results  # noqa: E402

DATA = os.path.join(HERE, "data")
MAPPING = os.path.join(HERE, "contacts.mapping.yml")
DUCKDB = """
import sys, duckdb
columns = ["external_id", "email", "first_name", "last_name", "phone", "company", "plan", "signup_date",
           "avatar_url", "notes"]
con = duckdb.connect()
spec = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in columns) + "}"
total = " + ".join(f"coalesce(length({c}), 0)" for c in columns)
rows, length = con.execute(
    f"SELECT count(*), sum({total}) FROM read_json('{sys.argv[1]}', format='newline_delimited', columns={spec})"
).fetchall()[0]
print(rows, length)
"""


def groups(etl, bench):
    csv1m, ndjson, csv10m = (os.path.join(DATA, name) for name in ("contacts.csv", "contacts.ndjson", "contacts-10m.csv"))
    return {
        "10m": [
            ("inspect", [etl, "inspect", csv10m]),
            ("validate", [etl, "validate", "--mapping", MAPPING, csv10m]),
            ("import's look at repeated keys", [bench, "repeated-keys", "--mapping", MAPPING, "--threads=2", csv10m]),
        ],
        "csv": [
            ("inspect", [etl, "inspect", csv1m]),
            ("validate", [etl, "validate", "--mapping", MAPPING, csv1m]),
        ],
        "ndjson": [
            ("inspect", [etl, "inspect", ndjson]),
            ("validate", [etl, "validate", "--mapping", MAPPING, ndjson]),
            ("duckdb full read", [sys.executable, "-c", DUCKDB, ndjson]),
        ],
    }


TITLES = {
    "10m": "10 million rows (`contacts-10m.csv`, 1.8 GB): validate <= 1.6x inspect, peak RSS <= 128 MB",
    "csv": "1 million rows, CSV (`contacts.csv`): validate <= 1.5x inspect",
    "ndjson": "1 million rows, NDJSON (`contacts.ndjson`): validate <= 1.5x inspect, inspect <= 0.7x duckdb",
}


def measure(name, cases, rounds, timeout):
    for _, argv in cases:
        results.timed_run(argv, timeout)  # page cache warm, binaries loaded
    walls = {case: [] for case, _ in cases}
    cpus = {case: [] for case, _ in cases}
    rss = {case: 0 for case, _ in cases}
    for _ in range(rounds):
        for case, argv in cases:
            wall, cpu, peak = results.timed_run(argv, timeout)
            walls[case].append(wall)
            cpus[case].append(cpu)
            rss[case] = max(rss[case], peak)
    base = statistics.median(walls["inspect"])
    lines = [f"### {TITLES[name]}", "", "| case | median wall (s) | min (s) | max (s) | median CPU (s) | × inspect | "
             "peak RSS (MB) |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for case, _ in cases:
        median = statistics.median(walls[case])
        lines.append(f"| {case} | {median:.3f} | {min(walls[case]):.3f} | {max(walls[case]):.3f} | "
                     f"{statistics.median(cpus[case]):.3f} | {median / base:.2f} | {rss[case] / 1024:.0f} |")
    per_round = [v / i for v, i in zip(walls["validate"], walls["inspect"])]
    lines += ["", f"validate / inspect per round: median {statistics.median(per_round):.2f}, "
              f"range {min(per_round):.2f}–{max(per_round):.2f}"]
    if "duckdb full read" in walls:
        per_round = [i / d for i, d in zip(walls["inspect"], walls["duckdb full read"])]
        lines.append(f"inspect / duckdb per round: median {statistics.median(per_round):.2f}, "
                     f"range {min(per_round):.2f}–{max(per_round):.2f}")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--only", default="csv,ndjson,10m")
    p.add_argument("--bin", default=".build/release/intercom-etl")
    p.add_argument("--bench", default=".build/release/contactio-bench")
    p.add_argument("--timeout", type=float, default=300)
    p.add_argument("--write-results", action="store_true")
    args = p.parse_args()
    for name in ("contacts.csv", "contacts.ndjson", "contacts-10m.csv"):
        if not os.path.exists(os.path.join(DATA, name)):
            sys.exit(f"{name} is missing: python3 benchmarks/gen_contacts.py && python3 benchmarks/gen_large.py")
    chosen = groups(args.bin, args.bench)
    sections = []
    for name in args.only.split(","):
        section = measure(name, chosen[name], args.rounds, args.timeout)
        print(section + "\n", flush=True)
        sections.append(section)
    if args.write_results:
        header = (f"## Validation at 10 million rows, NDJSON at CSV speed (issue #23, {time.strftime('%Y-%m-%d')})\n\n"
                  f"`python3 benchmarks/run_scale.py --rounds {args.rounds} --write-results`: the cases of each group "
                  f"run in turn, {args.rounds} rounds, release build, page cache warm; CPU {results.cpu_model()} "
                  f"(nproc {os.cpu_count()}).\n")
        results.replace_section("scale", header + "\n" + "\n\n".join(sections))


if __name__ == "__main__":
    main()
