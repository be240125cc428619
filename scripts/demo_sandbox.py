#!/usr/bin/env python3
"""`make demo`, second half: start the sandbox, talk to it as a client would, import the samples, keep a sync
state, export the workspace, stop it.

Usage: demo_sandbox.py PATH_TO_INTERCOM_ETL. Only loopback; the server is always stopped, even on failure.
"""
import json, os, re, signal, subprocess, sys, urllib.error, urllib.request

SAMPLES = [("samples/hubspot-contacts.csv", "samples/hubspot-contacts.mapping.yml"),
           ("samples/salesforce-contacts.csv", "samples/salesforce-contacts.mapping.yml"),
           ("samples/mailchimp-members.csv.gz", "samples/mailchimp-members.mapping.yml"),
           ("samples/contacts.ndjson", "samples/contacts.mapping.yml")]

binary = sys.argv[1]
server = subprocess.Popen([binary, "sandbox", "--port", "0", "--search-lag", "0"], stdout=subprocess.PIPE, text=True)
try:
    base = re.search(r"(http://127\.0\.0\.1:\d+)", server.stdout.readline()).group(1)
    print(f"== sandbox started at {base}")

    def call(method, path, body=None):
        request = urllib.request.Request(
            base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": "Bearer sandbox-token", "Accept": "application/json",
                     "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.load(response), response.headers
        except urllib.error.HTTPError as error:
            return error.code, json.load(error), error.headers

    status, me, _ = call("GET", "/me")
    print(f"GET /me -> {status}: admin {me['name']} of workspace {me['app']['id_code']}")
    status, ada, headers = call("POST", "/contacts", {"email": "ada@analytical.example", "name": "Ada Lovelace",
                                                      "external_id": "10001"})
    print(f"POST /contacts -> {status}: id {ada['id']}, role {ada['role']}; "
          f"rate limit {headers['X-RateLimit-Remaining']}/{headers['X-RateLimit-Limit']} left in this window")
    status, error, _ = call("POST", "/contacts", {"email": "ADA@analytical.example"})
    print(f"POST /contacts again -> {status}: {error['errors'][0]['message']}")
    status, found, _ = call("POST", "/contacts/search",
                            {"query": {"field": "external_id", "operator": "IN", "value": ["10001", "10002"]}})
    print(f"POST /contacts/search -> {status}: {found['total_count']} found")
    status, _, _ = call("GET", "/contacts?per_page=150")
    print(f"GET /contacts -> {status}")

    environment = dict(os.environ, INTERCOM_ACCESS_TOKEN="sandbox-token")
    for data, mapping in SAMPLES:
        print(f"\n== intercom-etl import {data} --mapping {mapping} --create-attributes")
        result = subprocess.run([binary, "import", data, "--mapping", mapping, "--base-url", base,
                                 "--create-attributes"], env=environment, timeout=120)
        # 1 means some rows were rejected, which the HubSpot sample does on purpose (a bad email, a broken row).
        if result.returncode not in (0, 1):
            sys.exit(f"import of {data} failed with exit code {result.returncode}")
    print("\n== the same files again: nothing left to write")
    for data, mapping in SAMPLES:
        result = subprocess.run([binary, "import", data, "--mapping", mapping, "--base-url", base],
                                env=environment, capture_output=True, text=True, timeout=120)
        counts = dict(re.findall(r"^(created|updated|unchanged|rejected|failed):\s+(\d+)", result.stdout, re.M))
        print(f"{data}: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    status, listing, _ = call("GET", "/contacts?per_page=150")
    print(f"\nGET /contacts -> {status}: {listing['total_count']} contacts in the workspace")

    # A nightly run keeps a sync state: the second run makes no call at all.
    os.makedirs("demo-out", exist_ok=True)
    state = os.path.join("demo-out", "hubspot.state.sqlite")
    for name in (state, state + "-wal", state + "-shm"):
        if os.path.exists(name):
            os.remove(name)
    data, mapping = SAMPLES[0]
    print(f"\n== intercom-etl import {data} --state {state} (twice)")
    for _ in range(2):
        result = subprocess.run([binary, "import", data, "--mapping", mapping, "--base-url", base, "--state", state],
                                env=environment, capture_output=True, text=True, timeout=120)
        calls = re.search(r"^API calls:\s+(\d+)", result.stdout, re.M)
        known = re.search(r"(\d+) unchanged since the last run", result.stdout)
        print(f"unchanged by the state: {known.group(1) if known else '?'}, API calls: {calls.group(1) if calls else '?'}")

    # And everything back out: the whole workspace as CSV.
    output = os.path.join("demo-out", "workspace.csv")
    print(f"\n== intercom-etl export -o {output}")
    result = subprocess.run([binary, "export", "-o", output, "--base-url", base], env=environment,
                            capture_output=True, text=True, timeout=120)
    print(result.stdout.strip() or result.stderr.strip())
    with open(output) as exported:
        print("header: " + exported.readline().strip()[:110] + " ...")
finally:
    server.send_signal(signal.SIGINT)
    server.wait(timeout=20)
    print("== sandbox stopped")
