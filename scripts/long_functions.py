#!/usr/bin/env python3
"""Lists the functions (and initializers) longer than a limit in Swift files: `scripts/long_functions.py 60 DIR...`.

A function runs from the line of its `func`/`init` keyword to the line of the brace that closes its body, found by
counting braces outside strings and comments (enough for this codebase's formatted sources).
"""
import os
import re
import sys

START = re.compile(r"^\s*(?:@[\w()]+\s+)*(?:(?:public|private|fileprivate|internal|static|final|override|mutating|"
                   r"nonmutating|convenience|required|nonisolated|package)\s+)*(?:func\s|init[?!]?\s*[(<])")


def braces(line: str) -> int:
    line = re.sub(r'"(?:\\.|[^"\\])*"', '""', line.split("//")[0])
    return line.count("{") - line.count("}")


def functions(path: str):
    lines = open(path, encoding="utf-8").read().split("\n")
    for number, line in enumerate(lines):
        if not START.match(line):
            continue
        depth, opened = 0, False
        for end in range(number, len(lines)):
            delta = braces(lines[end])
            if "{" in lines[end]:
                opened = True
            depth += delta
            if opened and depth <= 0:
                yield number + 1, end - number + 1, line.strip()
                break


def main() -> None:
    limit = int(sys.argv[1])
    found = 0
    for root in sys.argv[2:]:
        paths = [root] if root.endswith(".swift") else [
            os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".swift")]
        for path in sorted(paths):
            for line, length, text in functions(path):
                if length > limit:
                    found += 1
                    print(f"{path}:{line}: {length} lines: {text[:90]}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
