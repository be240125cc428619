"""Shared by the benchmark drivers: replace one marked section of benchmarks/RESULTS.md."""
import os, re

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


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
