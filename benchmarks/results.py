"""Shared by the benchmark drivers: the release build, the CPU's name, one timed run of a command, and replacing one
marked section of benchmarks/RESULTS.md."""
import os, re, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PATH = os.path.join(ROOT, "benchmarks", "RESULTS.md")


def build_release(product="intercom-etl"):
    """`swift build -c release` of one product, in the package root."""
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)


def timed_run(argv, timeout):
    """Wall seconds, CPU seconds (user + sys) and peak RSS (KB) of one run of `argv`, killed after `timeout` seconds;
    exits the driver unless the command's exit code is 0 or 1 (1: rows rejected)."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    # wait4 gives this child's own usage (RUSAGE_CHILDREN would give the largest RSS of any child so far).
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    timer.cancel()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(argv)} exited with {code} (killed after {timeout} s if negative)")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def cpu_model():
    """The CPU's model name from /proc/cpuinfo ("?" when it has none)."""
    return next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")


def replace_section(name, report):
    """Puts `report` between `<!-- name:begin -->` and `<!-- name:end -->`, appending the section if it is new."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = open(PATH).read() if os.path.exists(PATH) else "# Benchmark results\n"
    block = f"{begin}\n{report}\n{end}"
    if begin in text:
        text = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    open(PATH, "w").write(text)
