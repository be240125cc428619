#!/usr/bin/env python3
"""The 10-million-row contacts file of issue #23: the 1M-row benchmark file ten times, with distinct emails.

Copy 0 is `contacts.csv` byte for byte; copy k (1..9) has every email that contains `@` prefixed with `k.`, so the
keys of one copy never meet another's, while each copy keeps its own repeated keys, rejects and messy cells. The
header is written once.

    python3 benchmarks/gen_contacts.py            # benchmarks/data/contacts.csv first
    python3 benchmarks/gen_large.py [--copies 10] # benchmarks/data/contacts-10m.csv
"""
import argparse
import csv
import io
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=os.path.join(HERE, "data", "contacts.csv"))
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--out", default=os.path.join(HERE, "data", "contacts-10m.csv"))
    args = parser.parse_args()
    with open(args.source, "rb") as source:
        data = source.read()
    header_end = data.index(b"\n") + 1
    header = data[:header_end].decode("utf-8").rstrip("\r\n").split(",")
    email = header.index("email")
    body = data[header_end:]
    text = body.decode("utf-8", errors="surrogateescape")
    with open(args.out + ".part", "wb") as out:
        out.write(data)
        for copy in range(1, args.copies):
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for row in csv.reader(io.StringIO(text, newline="")):
                if len(row) > email and "@" in row[email]:
                    row[email] = f"{copy}.{row[email]}"
                writer.writerow(row)
            out.write(buffer.getvalue().encode("utf-8", errors="surrogateescape"))
            print(f"copy {copy + 1} of {args.copies}", file=sys.stderr)
    os.replace(args.out + ".part", args.out)


if __name__ == "__main__":
    main()
