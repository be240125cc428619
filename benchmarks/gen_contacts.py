#!/usr/bin/env python3
"""Deterministic generator of a realistic (and realistically messy) contacts export.

Writes three files with the same records into --out:

  contacts.csv      RFC 4180-style CSV, LF line ends, a field quoted only when it holds `,` `"` CR or LF
  contacts.csv.gz   the same bytes, gzip level 6, header mtime 0 and no file name (byte-identical reruns)
  contacts.ndjson   one JSON object per record, keys = header names, values strings (UTF-8, not escaped)
  meta.json         rows, seed, generator version, expected row errors, file sizes (read by run_io.py)

Row mix (fractions are approximate, drawn per row from `random.Random(seed)`):
  ~5%   international names with non-ASCII letters (é, ü, ø, ł, 中文, 日本語, кириллица, ...)
  ~1%   notes with commas, double quotes and embedded LF / CRLF line breaks (quoted CSV fields)
  ~2%   messy rows: padded whitespace, upper-case or invalid emails, empty email + external_id, bad dates,
        phones without +, empty fields. 1 in 20 of these (~0.1% of rows) has one field too many (an
        unquoted comma in the company) or one too few (a dropped field), so a CSV reader reports row errors.
  ~1%   NDJSON objects carry an extra nested value (`tags` array or `address` object).

Only `Random.random()` and `Random.getrandbits()` are used, whose output is stable across Python versions.
About 180 bytes per CSV row: 1,000,000 rows make a file of roughly 180 MB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time

import random

GENERATOR_VERSION = 1
HEADER = ["external_id", "email", "first_name", "last_name", "phone", "company", "plan", "signup_date",
          "avatar_url", "notes"]
CHUNK_ROWS = 20_000

# --- Vocabulary ----------------------------------------------------------------------------------------------

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
    "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Christopher", "Karen",
    "Daniel", "Lisa", "Matthew", "Nancy", "Anthony", "Betty", "Mark", "Sandra", "Steven", "Ashley", "Paul",
    "Emily", "Andrew", "Michelle", "Joshua", "Amanda", "Kevin", "Melissa", "Brian", "Stephanie", "Olivia",
    "Liam", "Emma", "Noah", "Ava", "Sophia", "Lucas", "Mia", "Ethan", "Chloe", "Priya", "Arjun", "Fatima",
    "Omar", "Carlos", "Lucia", "Hiroshi", "Yuki", "Wei", "Mei", "Ivan", "Olga", "Kwame", "Amara", "Sven",
    "Ingrid", "Pierre", "Camille", "Giulia", "Marco",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
    "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel",
    "Singh", "Kim", "Chen", "Wang", "Tanaka", "Sato", "Kowalski", "Novak", "Rossi", "Bianchi", "Dubois",
    "Schmidt", "Fischer", "Larsen", "Jensen", "O'Brien", "O'Connor", "MacDonald", "van der Berg",
]
# (display, ASCII spelling used in the email address). Chinese/Japanese/Cyrillic/Greek/Korean ones are used
# together (same script for first and last name); the Latin ones with diacritics mix freely.
INTL_LATIN_FIRST = [
    ("José", "jose"), ("Zoë", "zoe"), ("Søren", "soren"), ("François", "francois"), ("Jürgen", "jurgen"),
    ("Łukasz", "lukasz"), ("Ayşe", "ayse"), ("Björn", "bjorn"), ("Renée", "renee"), ("Chloé", "chloe"),
    ("Mónica", "monica"), ("Dvořák", "dvorak"), ("Åsa", "asa"), ("Ólafur", "olafur"), ("Mügé", "muge"),
    ("Nuño", "nuno"), ("Hélène", "helene"), ("Jiří", "jiri"), ("Göran", "goran"), ("Ærin", "aerin"),
]
INTL_LATIN_LAST = [
    ("García", "garcia"), ("Müller", "muller"), ("Ødegård", "odegard"), ("Lefèvre", "lefevre"),
    ("Wróbel", "wrobel"), ("Yılmaz", "yilmaz"), ("Núñez", "nunez"), ("Šimić", "simic"), ("Gómez", "gomez"),
    ("Çelik", "celik"), ("Størmer", "stormer"), ("Kovačević", "kovacevic"), ("Sjöberg", "sjoberg"),
    ("Håkansson", "hakansson"), ("Özdemir", "ozdemir"), ("Peña", "pena"), ("Żak", "zak"), ("Brontë", "bronte"),
]
ASCII_FIRST_PAIRS = [(x, x.lower()) for x in FIRST_NAMES]  # "Emma Müller": ASCII first, accented last
INTL_SCRIPT_NAMES = [  # (first names, last names) per script
    ([("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("秀英", "xiuying"), ("敏", "min"), ("静", "jing")],
     [("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang")]),
    ([("さくら", "sakura"), ("翔太", "shota"), ("陽菜", "hina"), ("蓮", "ren")],
     [("佐藤", "sato"), ("鈴木", "suzuki"), ("高橋", "takahashi"), ("田中", "tanaka")]),
    ([("Дмитрий", "dmitry"), ("Анна", "anna"), ("Сергей", "sergey"), ("Мария", "maria")],
     [("Иванов", "ivanov"), ("Смирнова", "smirnova"), ("Кузнецов", "kuznetsov"), ("Попова", "popova")]),
    ([("Νίκος", "nikos"), ("Ελένη", "eleni")], [("Παπαδόπουλος", "papadopoulos"), ("Γεωργίου", "georgiou")]),
    ([("민준", "minjun"), ("서연", "seoyeon")], [("김", "kim"), ("이", "lee"), ("박", "park")]),
]

FREE_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me", "gmx.de",
                "mail.ru", "qq.com", "yahoo.co.jp", "free.fr", "web.de"]
COMPANY_STEMS = [
    "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Wonka", "Soylent", "Tyrell", "Cyberdyne",
    "Aperture", "Stark", "Wayne", "Oscorp", "Pied Piper", "Massive Dynamic", "Gringotts", "Monarch", "Dunder",
    "Sterling", "Prestige", "Blue Sun", "Nakatomi", "Weyland", "Bluth", "Krusty", "Gekko", "Rekall", "Ollivander",
    "Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Wingtip", "Adventure Works",
    "Brightline", "Cobalt", "Driftwood", "Evergreen", "Foxglove", "Granite", "Harbor", "Ironclad", "Juniper",
]
COMPANY_SUFFIXES = [  # the ones with a comma make the CSV field quoted
    " Inc.", " LLC", " Ltd", " GmbH", " SA", " Labs", " Technologies", " Group", " Holdings", " Systems",
    " & Co", " Software", " Analytics", ", Inc.", ", LLC", ", Ltd.", "", "", "", "",
]
INTL_COMPANIES = ["Müller & Söhne GmbH", "Société Générale d'Études", "Øresund Logistik ApS", "北京科技有限公司",
                  "株式会社サクラ", "ООО «Ромашка»", "Café Olé, S.L.", "Łódź Software sp. z o.o."]
PLANS = ["free", "free", "free", "starter", "starter", "pro", "pro", "enterprise"]

NOTE_WORDS = (
    "customer asked about pricing for annual plan renewal next quarter trial extended by two weeks "
    "prefers email over phone contact migrated from legacy CRM import wants SSO and SCIM support "
    "churn risk flagged by success team upgraded after webinar referred by partner agency "
    "invoice sent to finance department needs GDPR data processing agreement evaluating competitors "
    "onboarding call scheduled champion left the company reactivated account after outage "
    "VIP beta program member timezone Europe Berlin requested feature export to spreadsheet"
).split()
NOTE_EMOJI = ["🎉", "👍", "🚀", "⚠️", "✅"]
TAGS = ["vip", "beta", "churn-risk", "partner", "trial", "enterprise-lead", "newsletter", "gdpr"]
CITIES = [("Paris", "75001", "FR"), ("Berlin", "10115", "DE"), ("San Francisco", "94103", "US"),
          ("Tokyo", "100-0001", "JP"), ("São Paulo", "01000-000", "BR"), ("München", "80331", "DE"),
          ("London", "EC1A 1BB", "GB"), ("Kraków", "30-001", "PL")]

# Multi-line notes for ~1% of rows. Each contains commas and/or double quotes; "\r\n" variants give CRLF.
MULTILINE_NOTES = [
    'Called on {d}, said "call back next week".\nFollow-up: pricing, seats, SSO',
    'Line one\nLine two, with a comma\nLine three with "quotes"',
    'Escalation:\r\n- billing "double charge", refunded\r\n- closed',
    '"Quoted from the ticket": the export is broken, again',
    'Address:\n12 Rue de Rivoli, 75001 Paris\nFrance',
    'Meeting notes ({d})\r\nAttendees: {f}, {l}\r\nNext step: "send proposal"',
    'He wrote: """"\nand nothing else, really',
    'Spec:\n  width = 5"\n  height = 7"\n',
]

# --- Messy values --------------------------------------------------------------------------------------------

INVALID_EMAILS = ["bob@", "no-at-sign", "@example.com", "alice@@example.com", "first last@example.com",
                  "n/a", "john.doe@example", "mailto:jane@example.com"]
BAD_DATES = ["31/31/2020", "2020-13-45", "not a date", "0000-00-00", "2021-02-30", "yesterday", "13/25/2019",
             "2019-06-31T25:61:00Z"]
BAD_PHONES = ["14155550123", "4155550123", "555-0123", "n/a", "+1 (415) 555-01", "00442079460958", "tbd"]

# Precomputed signup days 2015-01-01 .. 2024-12-31 as (y, m, d) triples (no datetime objects per row).
_MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
DAYS = [(y, m + 1, d + 1)
        for y in range(2015, 2025)
        for m in range(12)
        for d in range(_MONTH_DAYS[m] + (1 if m == 1 and y % 4 == 0 else 0))]


def csv_field(value: str) -> str:
    """Quote a field only if it must be quoted (comma, double quote, CR or LF)."""
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rand = self.rng.random
        self.wrong_count_rows = 0  # rows whose CSV field count differs from the header's
        self.note_pool = [self.pick(NOTE_WORDS) for _ in range(8192)]

    def pick(self, seq):
        # Faster than Random.choice and stable across Python versions.
        return seq[int(self.rand() * len(seq))]

    def name(self) -> tuple[str, str, str, str, bool]:
        """(first, last, first_ascii, last_ascii, international)"""
        r = self.rand()
        if r < 0.05:
            if self.rand() < 0.55:
                f, fa = self.pick(INTL_LATIN_FIRST if self.rand() < 0.6 else ASCII_FIRST_PAIRS)
                l, la = self.pick(INTL_LATIN_LAST)
            else:
                firsts, lasts = self.pick(INTL_SCRIPT_NAMES)
                f, fa = self.pick(firsts)
                l, la = self.pick(lasts)
            return f, l, fa, la, True
        f = self.pick(FIRST_NAMES)
        l = self.pick(LAST_NAMES)
        return f, l, f.lower(), l.lower().replace("'", "").replace(" ", ""), False

    def company(self, intl: bool) -> str:
        r = self.rand()
        if r < 0.12:
            return ""  # individual customer
        if intl and r < 0.5:
            return self.pick(INTL_COMPANIES)
        return self.pick(COMPANY_STEMS) + self.pick(COMPANY_SUFFIXES)

    def email(self, fa: str, la: str, company: str) -> str:
        r = self.rand()
        if company and r < 0.3:
            stem = company.split(",")[0].split(" ")[0].lower()
            domain = (stem if stem.isascii() and stem.isalnum() else "corp") + self.pick([".com", ".io", ".co"])
        else:
            domain = self.pick(FREE_DOMAINS)
        r = self.rand()
        if r < 0.4:
            local = f"{fa}.{la}"
        elif r < 0.6:
            local = f"{fa}{la}{int(self.rand() * 100)}"
        elif r < 0.75:
            local = f"{fa[0]}.{la}"
        elif r < 0.9:
            local = f"{fa}_{la}"
        else:
            local = f"{fa}{int(self.rand() * 10000)}"
        return f"{local}@{domain}"

    def phone(self) -> str:
        r = self.rand()
        n = int(self.rand() * 10000)
        if r < 0.12:
            return ""
        if r < 0.62:
            area = self.pick(["415", "212", "646", "312", "617", "206", "512", "303"])
            return f"+1{area}555{n:04d}"
        if r < 0.72:
            return f"+44207946{n:04d}"
        if r < 0.78:
            return f"+4930123{n:04d}"
        if r < 0.83:
            return f"+33142{n:04d}00"
        if r < 0.87:
            return f"+81312{n:04d}45"
        if r < 0.90:
            return f"+8610{n:04d}6789"
        # local / human formats
        return self.pick([f"(415) 555-{n:04d}", f"415-555-{n:04d}", f"020 7946 {n:04d}", f"+44 20 7946 {n:04d}",
                          f"030 123{n:04d}", f"+1 212 555 {n:04d}"])

    def signup_date(self) -> str:
        y, m, d = self.pick(DAYS)
        r = self.rand()
        if r < 0.08:
            return f"{m:02d}/{d:02d}/{y:04d}"
        if r < 0.22:
            return f"{y:04d}-{m:02d}-{d:02d}"
        t = int(self.rand() * 86400)
        hms = f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"
        if r < 0.94:
            return f"{y:04d}-{m:02d}-{d:02d}T{hms}Z"
        return f"{y:04d}-{m:02d}-{d:02d}T{hms}{self.pick(['+02:00', '-05:00', '+05:30', '+09:00'])}"

    def avatar(self) -> str:
        if self.rand() < 0.1:
            return ""
        h = self.rng.getrandbits(64)
        if self.rand() < 0.7:
            return f"https://img.example.com/a/{h:016x}.png"
        return f"https://gravatar.example/avatar/{h:016x}?d=mp"

    def notes(self, intl: bool) -> str:
        r = self.rand()
        if r < 0.2:
            return ""
        # A random window of a pre-shuffled word stream: 2 random draws instead of one per word.
        start = int(self.rand() * (len(self.note_pool) - 12))
        text = " ".join(self.note_pool[start:start + 1 + int(self.rand() * 12)])
        text = text[0].upper() + text[1:]
        if (intl and self.rand() < 0.3) or self.rand() < 0.01:
            text += " " + self.pick(NOTE_EMOJI)
        return text

    def multiline_note(self, first: str, last: str) -> str:
        y, m, d = self.pick(DAYS)
        return self.pick(MULTILINE_NOTES).format(d=f"{y:04d}-{m:02d}-{d:02d}", f=first, l=last)

    def mess_up(self, rec: list[str]) -> list[str] | None:
        """Damage a record in place (~2% of rows). Returns the CSV field list if the field count must differ
        from the header's (the NDJSON object then keeps what the CSV row has), else None."""
        kind = int(self.rand() * 7)
        if kind == 0:  # surrounding whitespace
            for i in (1, 2, 3, 5):
                if self.rand() < 0.5:
                    rec[i] = self.pick([" ", "  ", "\t", " \t"]) + rec[i] + self.pick(["", " ", "   ", "\t"])
        elif kind == 1:  # upper-case email (and sometimes plan)
            rec[1] = rec[1].upper()
            if self.rand() < 0.5:
                rec[6] = rec[6].upper()
        elif kind == 2:
            rec[1] = self.pick(INVALID_EMAILS)
        elif kind == 3:  # no identifier at all
            rec[0] = ""
            rec[1] = ""
        elif kind == 4:
            rec[7] = self.pick(BAD_DATES)
        elif kind == 5:
            rec[4] = self.pick(BAD_PHONES)
        else:  # several empty fields
            for i in (2, 3, 4, 5, 6, 7, 8, 9):
                if self.rand() < 0.5:
                    rec[i] = ""

        if self.rand() >= 0.05:
            return None
        # ~1 in 20 messy rows: wrong field count. Keep the other fields free of quotes/newlines so the
        # damage is exactly one field too many or too few.
        if "\n" in rec[9] or "\r" in rec[9] or '"' in rec[9]:
            rec[9] = "note"
        if self.rand() < 0.5:
            # One too many: an unquoted comma inside the company name (the classic hand-written CSV bug).
            if "," not in rec[5]:
                rec[5] = self.pick(COMPANY_STEMS) + ", Inc."
            head, tail = rec[5].split(",", 1)
            out = rec[:5] + [head, tail] + rec[6:]
            return out
        # One too few: a field went missing; the NDJSON object lacks that key as well.
        drop = self.pick([2, 4, 6, 8, 9])
        out = rec[:drop] + rec[drop + 1:]
        rec[drop] = None  # type: ignore[call-overload]  # marker: key absent in NDJSON
        return out

    def nested(self) -> tuple[str, object]:
        if self.rand() < 0.5:
            return "tags", [self.pick(TAGS) for _ in range(1 + int(self.rand() * 3))]
        city, zip_code, country = self.pick(CITIES)
        return "address", {"city": city, "zip": zip_code, "country": country}

    def rows(self, start: int, count: int, encode_json) -> tuple[str, str]:
        """Generate `count` records; returns (csv text, ndjson text)."""
        csv_lines: list[str] = []
        json_lines: list[str] = []
        rand = self.rand
        for i in range(start, start + count):
            first, last, fa, la, intl = self.name()
            company = self.company(intl)
            rec = [
                f"cus_{i + 1:08d}",
                self.email(fa, la, company),
                first,
                last,
                self.phone(),
                company,
                self.pick(PLANS),
                self.signup_date(),
                self.avatar(),
                self.notes(intl),
            ]
            r = rand()
            csv_fields = None
            if r < 0.01:
                rec[9] = self.multiline_note(first, last)
            elif r < 0.03:
                csv_fields = self.mess_up(rec)
            if csv_fields is not None:
                self.wrong_count_rows += 1
                csv_lines.append(",".join(csv_field(v) for v in csv_fields))
            else:
                line = ",".join(rec)
                # Fast path: plain rows need no quoting (exactly 9 separators, no quote/CR/LF).
                if line.count(",") != 9 or '"' in line or "\n" in line or "\r" in line:
                    line = ",".join(csv_field(v) for v in rec)
                csv_lines.append(line)

            obj = {k: v for k, v in zip(HEADER, rec) if v is not None}
            if rand() < 0.01:
                key, value = self.nested()
                obj[key] = value
            json_lines.append(encode_json(obj))
        csv_lines.append("")
        json_lines.append("")
        return "\n".join(csv_lines), "\n".join(json_lines)


def generate(rows: int, seed: int, out_dir: str, quiet: bool = False) -> dict:
    os.makedirs(out_dir, exist_ok=True)
    paths = {name: os.path.join(out_dir, name) for name in ("contacts.csv", "contacts.csv.gz", "contacts.ndjson")}
    tmp = {name: path + ".tmp" for name, path in paths.items()}
    encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    gen = Generator(seed)
    started = time.monotonic()

    # Write to *.tmp and rename at the end, so an interrupted run never leaves files that look complete.
    with open(tmp["contacts.csv"], "wb") as f_csv, open(tmp["contacts.ndjson"], "wb") as f_json, \
            open(tmp["contacts.csv.gz"], "wb") as f_gz_raw, \
            gzip.GzipFile(filename="", mode="wb", compresslevel=6, fileobj=f_gz_raw, mtime=0) as f_gz:
        header = (",".join(HEADER) + "\n").encode()
        f_csv.write(header)
        f_gz.write(header)
        for start in range(0, rows, CHUNK_ROWS):
            csv_text, json_text = gen.rows(start, min(CHUNK_ROWS, rows - start), encode_json)
            data = csv_text.encode("utf-8")
            f_csv.write(data)
            f_gz.write(data)
            f_json.write(json_text.encode("utf-8"))
            if not quiet and (start // CHUNK_ROWS) % 10 == 9:
                print(f"  {start + CHUNK_ROWS:,} rows ({time.monotonic() - started:.1f} s)", file=sys.stderr)

    for name in paths:
        os.replace(tmp[name], paths[name])
    meta = {
        "generator_version": GENERATOR_VERSION,
        "rows": rows,
        "seed": seed,
        "expected_row_errors": gen.wrong_count_rows,
        "bytes": {name: os.path.getsize(path) for name, path in paths.items()},
    }
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    meta["seconds"] = round(time.monotonic() - started, 2)
    return meta


def main() -> None:
    default_out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="data rows, header excluded (default 1000000)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", default=default_out, help="output directory (default benchmarks/data)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    args = p.parse_args()
    if args.rows < 0:
        p.error("--rows must be >= 0")
    meta = generate(args.rows, args.seed, args.out, args.quiet)
    sizes = ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in meta["bytes"].items())
    print(f"wrote {args.rows:,} rows to {args.out} in {meta['seconds']} s: {sizes}; "
          f"{meta['expected_row_errors']} rows with a wrong field count", file=sys.stderr)


if __name__ == "__main__":
    main()
