#!/usr/bin/env python3
"""validate against reading alone, as issue #18 measures it: medians of alternating runs.

Runs `intercom-etl inspect FILE` and `intercom-etl validate --mapping MAPPING FILE` in turn (A B A B ...), so that
both see the same moments of a shared, noisy machine, and prints the median wall time of each, the ratio of the
medians, the median of the per-pair ratios, and peak RSS. Bounded: --pairs runs of each (default 16), each run
limited by --timeout.

    python3 benchmarks/run_validate_ratio.py [--pairs 16] [--bin .build/release/intercom-etl] [--threads N]
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import results  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", type=int, default=16, help="runs of each command, alternating (default 16)")
    p.add_argument("--bin", default=".build/release/intercom-etl", help="the intercom-etl binary")
    p.add_argument("--file", default=os.path.join(HERE, "data", "contacts.csv"), help="input (benchmarks/data)")
    p.add_argument("--mapping", default=os.path.join(HERE, "contacts.mapping.yml"))
    p.add_argument("--threads", type=int, help="validate --read-threads (default: the tool's own choice)")
    p.add_argument("--timeout", type=float, default=120, help="limit per run, seconds (default 120)")
    args = p.parse_args()
    if not os.path.exists(args.file):
        sys.exit(f"{args.file} is missing: run `python3 benchmarks/run_io.py --only ours-csv` once to generate it")
    inspect = [args.bin, "inspect", args.file]
    validate = [args.bin, "validate", "--mapping", args.mapping, args.file]
    if args.threads:
        validate[2:2] = ["--read-threads", str(args.threads)]
    results.timed_run(inspect, args.timeout)  # page cache warm, binary loaded
    walls: dict[str, list[float]] = {"inspect": [], "validate": []}
    cpus: dict[str, list[float]] = {"inspect": [], "validate": []}
    rss: dict[str, int] = {"inspect": 0, "validate": 0}
    for _ in range(args.pairs):
        for name, argv in (("inspect", inspect), ("validate", validate)):
            wall, cpu, peak = results.timed_run(argv, args.timeout)
            walls[name].append(wall)
            cpus[name].append(cpu)
            rss[name] = max(rss[name], peak)
    pairs = sorted(v / i for i, v in zip(walls["inspect"], walls["validate"]))
    base = statistics.median(walls["inspect"])
    print(f"{args.pairs} alternating pairs, {os.path.basename(args.file)}, {time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| case | median wall (s) | min (s) | max (s) | median CPU (s) | × inspect (medians) | peak RSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in ("inspect", "validate"):
        median = statistics.median(walls[name])
        print(f"| {name} | {median:.3f} | {min(walls[name]):.3f} | {max(walls[name]):.3f} | "
              f"{statistics.median(cpus[name]):.3f} | {median / base:.2f} | {rss[name] / 1024:.0f} |")
    print(f"\nper-pair ratios: median {statistics.median(pairs):.2f}, "
          f"quartiles {pairs[len(pairs) // 4]:.2f}–{pairs[(3 * len(pairs)) // 4]:.2f}, "
          f"range {pairs[0]:.2f}–{pairs[-1]:.2f} (target: median ≤ 1.5)")


if __name__ == "__main__":
    main()
