#!/usr/bin/env python3
"""Load benchmark of the sandbox server with wrk, on loopback, release build.

The sandbox must never be the bottleneck of our import/export benchmarks. This starts
`intercom-etl sandbox` with N preloaded contacts and no rate limit, then drives it with wrk
(Debian package `wrk`) for a bounded time per case:

  - GET /me                   baseline: the cheapest authenticated request (same run, same machine)
  - GET /contacts/{id}        random ids of the preloaded contacts
  - POST /contacts/search     email = random preloaded address (the import's lookup)
  - POST /contacts/search     external_id IN 15 random ids (the import's batched lookup)

It prints one markdown table (requests/s, ratio to the baseline, latency) plus the server's peak RSS,
and with --write-results replaces the sandbox section of benchmarks/RESULTS.md. Targets (issue #3):
GET >= 5,000 req/s, search >= 2,000 req/s over 100k contacts, on this 2-core machine.
"""
import argparse, json, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.request
from datetime import date

import results

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def api(base, path, body=None):
    request = urllib.request.Request(base + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Authorization": "Bearer bench-token", "Accept": "application/json",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def lua_script(kind, ids, contacts):
    """A wrk script that sends one request of `kind` with a random target each time."""
    head = ('wrk.headers["Authorization"] = "Bearer bench-token"\n'
            'wrk.headers["Accept"] = "application/json"\n'
            'wrk.headers["Content-Type"] = "application/json"\n'
            'math.randomseed(42)\n')
    if kind == "get":
        return head + "ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n" + \
            'request = function() return wrk.format("GET", "/contacts/" .. ids[math.random(#ids)]) end\n'
    if kind == "search-email":
        return head + f"n = {contacts}\n" + \
            'request = function()\n' \
            '  local body = string.format(\'{"query":{"field":"email","operator":"=","value":"user%d@example.com"}}\', math.random(n) - 1)\n' \
            '  return wrk.format("POST", "/contacts/search", nil, body)\nend\n'
    if kind == "search-in":
        return head + f"n = {contacts}\n" + \
            'request = function()\n' \
            '  local values = {}\n' \
            '  for i = 1, 15 do values[i] = string.format(\'"ext-%d"\', math.random(n) - 1) end\n' \
            '  local body = \'{"query":{"field":"external_id","operator":"IN","value":[\' .. table.concat(values, ",") .. \']},"pagination":{"per_page":15}}\'\n' \
            '  return wrk.format("POST", "/contacts/search", nil, body)\nend\n'
    return head + 'request = function() return wrk.format("GET", "/me") end\n'


def run_wrk(base, script_text, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script_text)
        path = handle.name
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", path, base],
                             capture_output=True, text=True, timeout=seconds + 60).stdout
    finally:
        os.unlink(path)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+\w+)", out).group(1)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p50, p99, int(errors.group(1)) if errors else 0


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10, help="per case (bounded)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("run_sandbox: wrk is not installed; install it with: apt-get install -y wrk")
    if not args.skip_build:
        results.build_release()
    binary = os.path.join(ROOT, ".build/release/intercom-etl")
    server = subprocess.Popen([binary, "sandbox", "--port", "0", "--rate-limit", "0", "--token", "bench-token",
                               "--preload-contacts", str(args.contacts)], stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not match:
            sys.exit(f"sandbox did not start: {line!r}")
        base = match.group(1)
        page = api(base, "/contacts?per_page=150")
        ids = [contact["id"] for contact in page["data"]]
        for _ in range(5):
            cursor = page["pages"].get("next", {}).get("starting_after")
            if not cursor:
                break
            page = api(base, "/contacts?per_page=150&starting_after=" + cursor)
            ids += [contact["id"] for contact in page["data"]]
        assert page["total_count"] == args.contacts, page["total_count"]
        cases = [("GET /me (baseline)", "me"), ("GET /contacts/{id}", "get"),
                 ("POST /contacts/search, email =", "search-email"),
                 ("POST /contacts/search, external_id IN (15)", "search-in")]
        rows = []
        for title, kind in cases:
            print(f"{title}: {args.seconds}s ...", file=sys.stderr)
            rows.append((title, *run_wrk(base, lua_script(kind, ids, args.contacts), args.seconds, args.connections)))
        rss = peak_rss_mb(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    baseline = rows[0][1]
    cpu = results.cpu_model()
    lines = [f"## Sandbox under wrk ({date.today().isoformat()})", "",
             f"`python3 benchmarks/run_sandbox.py --contacts {args.contacts} --seconds {args.seconds}`", "",
             f"- CPU: {cpu} (nproc {os.cpu_count()}); wrk (1 thread, {args.connections} connections) and the server "
             f"share the machine; release build; {args.contacts:,} preloaded contacts; no rate limit",
             f"- server peak RSS: {rss:.0f} MB", "",
             "| case | requests/s | × baseline | p50 | p99 | non-2xx |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for title, rps, p50, p99, errors in rows:
        lines.append(f"| {title} | {rps:,.0f} | {rps / baseline:.2f} | {p50} | {p99} | {errors} |")
    lines += ["", "Targets (issue #3): GET by id >= 5,000 req/s; search >= 2,000 req/s over 100k contacts."]
    report = "\n".join(lines)
    print(report)
    if args.write_results:
        results.replace_section("sandbox", report)

if __name__ == "__main__":
    main()
