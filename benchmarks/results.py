"""Shared by the benchmark drivers: the release build, the CPU's name, and replacing one marked section of
benchmarks/RESULTS.md."""
import os, re, subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PATH = os.path.join(ROOT, "benchmarks", "RESULTS.md")


def build_release(product="intercom-etl"):
    """`swift build -c release` of one product, in the package root."""
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)


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
