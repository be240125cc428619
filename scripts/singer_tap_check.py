#!/usr/bin/env python3
"""`make check-singer`: Singer's tap-intercom (PyPI), with only its base URL pointed at the sandbox, gets past its
token check (`GET /tags`) and reads the contacts and companies back (issue #25).

Usage: singer_tap_check.py PATH_TO_INTERCOM_ETL

Run with a Python that has `tap-intercom` installed (`.ci/run` makes a virtual environment for it: the tap pins old
versions of its dependencies). Starts `intercom-etl sandbox` on a free loopback port, creates a tagged contact and a
company through the API, then drives the tap's own client: the token check must pass (and fail with a wrong token),
and its requests for contacts, tags and companies must come back with what was created. Exit status: 0 passed,
1 failed, 2 setup error (the tap is not installed, or the sandbox did not start).
"""
import json
import re
import select
import subprocess
import sys
import urllib.request

TOKEN = "sandbox-token"


def start_server(binary):
    server = subprocess.Popen(
        [binary, "sandbox", "--host", "127.0.0.1", "--port", "0", "--rate-limit", "0"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    ready, _, _ = select.select([server.stdout], [], [], 30)
    line = server.stdout.readline() if ready else ""
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
    if not match:
        server.kill()
        raise RuntimeError(f"the sandbox did not start (first line: {line.strip()!r})")
    return server, match.group(1)


def call(base, method, path, body=None):
    request = urllib.request.Request(
        base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read() or b"null")


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        from tap_intercom.client import IntercomClient
    except ImportError as error:
        print(f"singer_tap_check: tap-intercom is not installed in {sys.executable}: {error}", file=sys.stderr)
        return 2
    server, base = start_server(argv[1])
    failures = []
    try:
        contact = call(base, "POST", "/contacts", {"email": "singer@example.com", "name": "Singer"})
        call(base, "POST", "/tags", {"name": "migrated", "users": [{"id": contact["id"]}]})
        company = call(base, "POST", "/companies", {"company_id": "s-1", "name": "Singer Co"})
        call(base, "POST", f"/contacts/{contact['id']}/companies", {"id": company["id"]})

        client = IntercomClient(TOKEN, 10)
        client.base_url = base
        if client.check_access_token() is not True:
            failures.append("the token check did not pass")
        stranger = IntercomClient("wrong-token", 10)
        stranger.base_url = base
        try:
            stranger.check_access_token()
            failures.append("a wrong token passed the token check")
        except Exception:  # the tap raises its own error class for a 401
            pass
        with client:
            tags = client.get("tags")
            if [tag["name"] for tag in tags.get("data", [])] != ["migrated"]:
                failures.append(f"GET /tags through the tap: {tags}")
            contacts = client.get("contacts")
            stored = [c for c in contacts.get("data", []) if c.get("email") == "singer@example.com"]
            if not stored or stored[0]["tags"]["total_count"] != 1 or stored[0]["companies"]["total_count"] != 1:
                failures.append(f"GET /contacts through the tap: {contacts}")
            companies = client.get("companies")
            if [c.get("company_id") for c in companies.get("data", [])] != ["s-1"]:
                failures.append(f"GET /companies through the tap: {companies}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    for failure in failures:
        print(f"singer_tap_check: FAIL: {failure}", file=sys.stderr)
    print(f"singer_tap_check: {'passed' if not failures else 'failed'} (tap-intercom against {base})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
