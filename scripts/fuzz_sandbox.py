#!/usr/bin/env python3
"""`make fuzz-sandbox`: fuzz the sandbox with schemathesis, driven by Intercom's own OpenAPI description (2.16).

Usage: fuzz_sandbox.py PATH_TO_INTERCOM_ETL [--max-examples N] [--timeout SECONDS] [--keep DIR]

Starts `intercom-etl sandbox` on 127.0.0.1 (a free port, rate limit and faults off), then runs `schemathesis run`
(its examples, coverage, fuzzing and stateful phases, deterministic, one worker) against exactly the operations of
the description that the sandbox implements (OPERATIONS, by method and path). Every response must:
  * not be a 5xx (not_a_server_error), and the server must stay up (polled throughout, and asked for /me at the end);
  * have a documented status code, a documented content type and a body valid against the documented schema
    (status_code_conformance, content_type_conformance, response_schema_conformance, formats included);
  * send `owner_id` as the asked Intercom-Version does, and refuse no `null` where the request schema allows one
    (owner_id_follows_version, null_accepted_where_nullable: custom checks, below).
Where the 2.16 description is wrong about Intercom it is corrected in memory first (ERRATA, each with its reason);
nothing else is exempt. Each operation passes or fails as a whole; the last line is `N passed, M failed`.

Bounded: at most --max-examples cases per operation and phase, and --timeout seconds for the whole schemathesis run
(then it is stopped and the run fails). The server is always stopped, even on failure. Scratch files (the filtered
description, schemathesis' config, reports and caches, hypothesis' data) live in a temporary folder, removed at the
end unless --keep names one. Exit status: 0 all passed, 1 something failed, 2 usage or setup error.

This file is also the schemathesis hooks module of the run (SCHEMATHESIS_HOOKS), for the two custom checks.
"""
import argparse
import base64
import collections
import glob
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "Tests/IntercomSandboxTests/Resources/intercom-openapi/api.intercom.io.yaml"
TOKEN = "sandbox-token"
PRELOADED = 20  # Synthetic contacts the sandbox starts with: user<N>@example.com, external id ext-<N>.

# What the sandbox implements: exactly these operations of the description are fuzzed, nothing else.
OPERATIONS = [
    ("GET", "/me"),
    ("POST", "/contacts"),
    ("GET", "/contacts"),
    ("POST", "/contacts/search"),
    ("GET", "/contacts/find_by_external_id/{external_id}"),
    ("GET", "/contacts/{contact_id}"),
    ("PUT", "/contacts/{contact_id}"),
    ("DELETE", "/contacts/{contact_id}"),
    ("POST", "/contacts/{contact_id}/archive"),
    ("POST", "/contacts/{contact_id}/unarchive"),
    ("GET", "/data_attributes"),
    ("POST", "/data_attributes"),
    ("POST", "/messages"),
    ("GET", "/tags"),
    ("POST", "/tags"),
    ("GET", "/tags/{tag_id}"),
    ("DELETE", "/tags/{tag_id}"),
    ("POST", "/companies"),
    ("GET", "/companies"),
    ("GET", "/companies/{company_id}"),
    ("GET", "/contacts/{contact_id}/tags"),
    ("POST", "/contacts/{contact_id}/tags"),
    ("DELETE", "/contacts/{contact_id}/tags/{tag_id}"),
    ("GET", "/contacts/{contact_id}/companies"),
    ("POST", "/contacts/{contact_id}/companies"),
    ("DELETE", "/contacts/{contact_id}/companies/{company_id}"),
]

CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_schema_conformance",
          "owner_id_follows_version", "null_accepted_where_nullable"]

CONTACT_BY_ID = ["GET /contacts/{contact_id}", "PUT /contacts/{contact_id}", "DELETE /contacts/{contact_id}",
                 "POST /contacts/{contact_id}/archive", "POST /contacts/{contact_id}/unarchive"]

# ERRATA: where the 2.16 description is wrong about Intercom. Keep this short; a sandbox bug never goes here.
# Responses the description leaves out, each answered by Intercom with its usual `error.list` body (the `error`
# schema, which the body must then match): (status, operations, reason).
UNDOCUMENTED_ERRORS = [
    ("401", ["GET /me", "POST /contacts/{contact_id}/archive", "POST /contacts/{contact_id}/unarchive"],
     "every endpoint answers 401 `unauthorized` to a missing or wrong token; documented on all the others"),
    ("404", CONTACT_BY_ID + ["GET /contacts/find_by_external_id/{external_id}"],
     "an unknown contact answers 404 `not_found` (Contact Not Found); only 410 (merged) is documented"),
    ("404", ["POST /messages"],
     "an unknown `from` admin or `to` contact answers 404 (Admin not found / User Not Found)"),
    ("400", ["POST /contacts", "PUT /contacts/{contact_id}"],
     "an invalid field (email, role, avatar, owner_id, custom attribute; a user made a lead) answers 400 "
     "`parameter_invalid`/`client_error`, as the other write endpoints document"),
    ("409", ["POST /contacts", "PUT /contacts/{contact_id}"],
     "a taken email or external_id answers 409 `conflict` (A contact matching those details already exists)"),
    ("400", ["GET /contacts"],
     "a bad per_page or starting_after (the parameters added below) answers 400, as search documents"),
    ("404", ["POST /tags"],
     "an unknown user or company answers 404 (User Not Found / Company Not Found): the request examples "
     "`user_not_found` and `company_not_found` show the calls, their responses are not listed"),
    ("400", ["POST /contacts/{contact_id}/tags"],
     "a body without the tag's `id` (required by the request schema) answers 400 `parameter_not_found`"),
]


def apply_errata(spec):
    """Corrects the description in memory, ERRATA first; see each comment for the reason."""
    schemas = spec["components"]["schemas"]
    # Intercom's request ids are opaque strings such as `000ln0r8c0sjs8ugrcm0`, not UUIDs.
    schemas["error"]["properties"]["request_id"].pop("format", None)
    # `url` of a contact's tags, notes and companies is a relative path (`/contacts/{id}/tags`), as the
    # description's own examples show; `format: uri` wants an absolute URI.
    for name in ("contact_tags", "contact_notes", "contact_companies"):
        schemas[name]["properties"]["url"].pop("format", None)
    # The Intercom-Version header takes every version from 1.0, but the schemas describe 2.16 only: before 2.16
    # Intercom sends `owner_id` as an integer. Either type passes the schema; owner_id_follows_version (below)
    # then checks the type against the version that was asked for.
    owner = schemas["contact"]["properties"]["owner_id"]
    owner.pop("type")
    owner["oneOf"] = [{"type": "string"}, {"type": "integer"}]
    # List all contacts pages with `per_page` (1-150) and `starting_after` (the cursor of `pages.next`), as
    # Intercom's API reference documents; the 2.16 file lists neither, so they would never be fuzzed.
    parameters = spec["paths"]["/contacts"]["get"].setdefault("parameters", [])
    parameters += [
        {"name": "per_page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": 150}},
        {"name": "starting_after", "in": "query", "required": False, "schema": {"type": "string"}},
    ]
    for status, operations, _reason in UNDOCUMENTED_ERRORS:
        for label in operations:
            method, path = label.split(" ", 1)
            spec["paths"][path][method.lower()]["responses"].setdefault(status, {
                "description": "Undocumented in 2.16 (fuzz_sandbox.py ERRATA)",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}})


def owner_id_follows_version(ctx, response, case):
    """`owner_id` is a string from Intercom-Version 2.16 on (and without the header), an integer before."""
    if response.status_code != 200 or case.operation.method.upper() not in ("GET", "POST", "PUT"):
        return None
    try:
        body = json.loads(response.text)
    except ValueError:
        return None
    contacts = body.get("data") if isinstance(body, dict) and body.get("type") == "list" else [body]
    version = str((case.headers or {}).get("Intercom-Version", "2.16"))
    match = re.fullmatch(r"(\d+)\.(\d+)", version.strip())
    before_216 = bool(match) and (int(match.group(1)), int(match.group(2))) < (2, 16)
    for contact in contacts or []:
        if not isinstance(contact, dict) or contact.get("type") != "contact" or contact.get("owner_id") is None:
            continue
        owner = contact["owner_id"]
        if before_216 and not isinstance(owner, int):
            raise AssertionError(f"owner_id should be an integer for Intercom-Version {version}, got {owner!r}")
        if not before_216 and not isinstance(owner, str):
            raise AssertionError(f"owner_id should be a string for Intercom-Version {version}, got {owner!r}")
    return None


def null_accepted_where_nullable(ctx, response, case):
    """A 400/422 must not blame a body field (its `field`) for a null that the request schema allows
    (`nullable: true`), as in `"custom_attributes": null`. This keeps the 400s allowed above honest."""
    if response.status_code not in (400, 422) or not isinstance(case.body, dict):
        return None
    try:
        errors = json.loads(response.text).get("errors") or []
    except (ValueError, AttributeError):
        return None
    nullable = _nullable_body_fields(case.operation.method.upper(), case.operation.path)
    for error in errors:
        field = error.get("field") if isinstance(error, dict) else None
        if field in nullable and field in case.body and case.body[field] is None:
            raise AssertionError(f"`{field}: null` refused ({error.get('message')!r}), but the request schema "
                                 f"declares {field} nullable")
    return None


_NULLABLE_FIELDS = {}


def _nullable_body_fields(method, path):
    """Top-level properties of the operation's JSON request body that are `nullable: true` (in the description
    that the run wrote, FUZZ_SANDBOX_SPEC)."""
    if (method, path) not in _NULLABLE_FIELDS:
        spec = json.loads(Path(os.environ["FUZZ_SANDBOX_SPEC"]).read_text(encoding="utf-8"))

        def resolve(schema):
            while isinstance(schema, dict) and "$ref" in schema:
                schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
            return schema if isinstance(schema, dict) else {}

        def properties(schema):
            schema = resolve(schema)
            found = dict(schema.get("properties") or {})
            for keyword in ("allOf", "oneOf", "anyOf"):
                for branch in schema.get(keyword) or []:
                    found.update(properties(branch))
            return found

        operation = spec["paths"].get(path, {}).get(method.lower(), {})
        body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        _NULLABLE_FIELDS[(method, path)] = {name for name, value in properties(body).items()
                                            if resolve(value).get("nullable")}
    return _NULLABLE_FIELDS[(method, path)]


# --- the run -------------------------------------------------------------------------------------------------------

def load_spec():
    import yaml
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(SPEC, encoding="utf-8") as file:
        return yaml.load(file, Loader=loader)


def filtered_spec():
    """The description with only OPERATIONS (and every component), errata applied."""
    spec = load_spec()
    wanted = {(method.lower(), path) for method, path in OPERATIONS}
    missing = [f"{method.upper()} {path}" for method, path in sorted(wanted)
               if method not in spec["paths"].get(path, {})]
    if missing:
        raise RuntimeError(f"the description has no {', '.join(missing)}")
    paths = {}
    for path, item in spec["paths"].items():
        operations = {key: value for key, value in item.items() if (key, path) in wanted}
        if operations:
            shared = {key: value for key, value in item.items()
                      if key in ("parameters", "servers", "summary", "description")}
            paths[path] = {**shared, **operations}
    spec["paths"] = paths
    spec["servers"] = [{"url": "/"}]
    apply_errata(spec)
    return spec


def toml_value(value):
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(key)} = {toml_value(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)  # numbers, and strings (JSON escapes are TOML escapes)


def write_config(path, scratch, admin_id, contacts):
    """schemathesis.toml: the checks, and dictionaries of real values (the admin, existing contacts) that
    generation mixes in at the given probability, so that requests also get past the lookups to the 200 paths.
    They only steer generation: every response is checked all the same."""
    dictionaries = {
        "admin_id": [int(admin_id)],
        "admin_id_text": [str(admin_id)],
        "contact_ids": [contact["id"] for contact in contacts],
        "external_ids": [contact["external_id"] for contact in contacts if contact.get("external_id")],
        "emails": [f"fuzz{index}@example.com" for index in range(200)],
        "avatars": ["https://example.com/avatar.png", "http://example.com/a%20b.jpg"],
        "roles": ["user", "lead"],
        "attribute_names": ["plan", "Monthly spend", "seats-2", "£ budget", "tier_1", "Région"],
    }
    bind = lambda name, probability=0.5: {"dictionary": name, "probability": probability}  # noqa: E731
    contact_body = {"body.email": bind("emails"), "body.role": bind("roles"), "body.avatar": bind("avatars"),
                    "body.owner_id": bind("admin_id_text", 0.3)}
    operations = [
        ("POST", "/contacts", contact_body),
        ("PUT", "/contacts/{contact_id}", {**contact_body, "path.contact_id": bind("contact_ids")}),
        ("GET", "/contacts/{contact_id}", {"path.contact_id": bind("contact_ids")}),
        ("POST", "/contacts/{contact_id}/archive", {"path.contact_id": bind("contact_ids")}),
        ("POST", "/contacts/{contact_id}/unarchive", {"path.contact_id": bind("contact_ids")}),
        ("GET", "/contacts/find_by_external_id/{external_id}", {"path.external_id": bind("external_ids")}),
        ("POST", "/data_attributes", {"body.name": bind("attribute_names", 0.3)}),
        ("POST", "/messages", {"body.from.id": bind("admin_id", 0.8), "body.to.id": bind("contact_ids", 0.8),
                               "body.to[*].id": bind("contact_ids", 0.8)}),
        ("POST", "/tags", {"body.users[*].id": bind("contact_ids", 0.8)}),
        ("GET", "/contacts/{contact_id}/tags", {"path.contact_id": bind("contact_ids")}),
        ("POST", "/contacts/{contact_id}/tags", {"path.contact_id": bind("contact_ids")}),
        ("DELETE", "/contacts/{contact_id}/tags/{tag_id}", {"path.contact_id": bind("contact_ids")}),
        ("GET", "/contacts/{contact_id}/companies", {"path.contact_id": bind("contact_ids")}),
        ("POST", "/contacts/{contact_id}/companies", {"path.contact_id": bind("contact_ids")}),
        ("DELETE", "/contacts/{contact_id}/companies/{company_id}", {"path.contact_id": bind("contact_ids")}),
    ]
    lines = [f"[cache]\ndirectory = {json.dumps(str(scratch / 'cache'))}\n", "[checks]\nenabled = false"]
    lines += [f"{name} = {{ enabled = true }}" for name in CHECKS]
    lines.append("")
    for name, values in dictionaries.items():
        lines.append(f"[dictionaries.{name}]\nvalues = {toml_value(values)}\n")
    for method, route, parameters in operations:
        lines.append(f"[[operations]]\ninclude-name = {json.dumps(f'{method} {route}')}\n"
                     f"parameters = {toml_value(parameters)}\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def start_server(binary, log):
    server = subprocess.Popen(
        [binary, "sandbox", "--host", "127.0.0.1", "--port", "0", "--rate-limit", "0", "--seed", "1",
         "--preload-contacts", str(PRELOADED)],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([server.stdout], [], [], 30)
    line = server.stdout.readline() if ready else ""
    match = re.search(r"listening on (http://127\.0\.0\.1:\d+)", line)
    if not match:
        stop(server)
        raise RuntimeError(f"the sandbox did not start (first line: {line.strip()!r})")
    return server, match.group(1)


def stop(process, grace=10):
    """Ends `process`: SIGTERM, then SIGKILL."""
    if process is None or process.poll() is not None:
        return
    try:
        process.terminate()
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace)


def call(base, method, path, body=None):
    request = urllib.request.Request(
        base + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json",
                 "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, None
    except (OSError, ValueError) as error:  # refused, reset, timed out, not JSON
        return f"no answer ({error})", None


def crash_report(path, lines=40):
    """The server's stderr: from just before Swift's `*** Program crashed` (the fatal error, the crashed thread)
    if it has a backtrace, else its last lines."""
    try:
        text = Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return ""
    start = next((index for index, line in enumerate(text) if "*** Program crashed" in line), None)
    return "\n".join(text[max(0, start - 6):start + lines] if start is not None else text[-lines:])


def results(report_dir):
    """Per operation: how many test cases ran, and its distinct failures {key: (check, message, example)}; read
    from schemathesis' NDJSON event log."""
    cases = collections.Counter()
    failures = collections.defaultdict(dict)
    for name in glob.glob(str(report_dir / "*.ndjson")):
        with open(name, encoding="utf-8") as file:
            for line in file:
                kind, payload = next(iter(json.loads(line).items()))
                if kind == "ScenarioFinished":
                    recorder = payload.get("recorder") or {}
                    interactions = recorder.get("interactions") or {}
                    labels = {}
                    for case_id, case in (recorder.get("cases") or {}).items():
                        labels[case_id] = f"{case['value']['method'].upper()} {case['value']['path']}"
                        cases[labels[case_id]] += 1
                    for case_id, checks in (recorder.get("checks") or {}).items():
                        for check in checks:
                            if check.get("status") in ("success", "skip", "skipped"):
                                continue
                            info = (check.get("failure_info") or {}).get("failure") or {}
                            text = info.get("message") or info.get("title") or check.get("status", "failed")
                            where = re.search(r"^Schema at (\S+):$", text, re.M)
                            first = text.strip().splitlines()[0]
                            key = (check["name"], info.get("code"), where.group(1) if where else first[:80])
                            label = labels.get(case_id, recorder.get("label", "?"))
                            if key not in failures[label]:
                                failures[label][key] = (check["name"], first + (f" (at {where.group(1)})"
                                                        if where else ""), example(interactions.get(case_id)))
                elif kind in ("NonFatalError", "FatalError"):
                    label = payload.get("label") or "run"
                    value = payload.get("value") or payload.get("info") or payload.get("exception") or payload
                    message = value.get("message") if isinstance(value, dict) else None
                    message = (message or json.dumps(value))[:2000]
                    failures[label][("error", message)] = ("error", message, "")
    return cases, failures


def example(interaction, limit=300):
    """`METHOD URL BODY -> STATUS BODY`, shortened, for the summary."""
    if not interaction:
        return ""
    def text(part, key):
        data = (part or {}).get(key) or {}
        raw = base64.b64decode(data["$base64"]) if "$base64" in data else (data.get("string") or "").encode()
        value = raw.decode("utf-8", "replace")
        return value if len(value) <= limit else value[:limit] + f"… ({len(raw)} bytes)"
    request, response = interaction.get("request") or {}, interaction.get("response")
    line = f"{request.get('method')} {request.get('uri')} {text(request, 'body')}".rstrip()
    answer = f"{response.get('status_code')} {text(response, 'content')}" if response else "no response"
    return f"{line}\n       -> {answer}"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("binary")
    parser.add_argument("--max-examples", type=int, default=200, help="cases per operation and phase (200)")
    parser.add_argument("--timeout", type=float, default=200, help="seconds for the whole schemathesis run (200)")
    parser.add_argument("--keep", help="keep the scratch files (reports, config, filtered description) in this folder")
    args = parser.parse_args(argv)
    if not os.access(args.binary, os.X_OK):
        print(f"fuzz_sandbox: {args.binary} is not an executable", file=sys.stderr)
        return 2
    try:
        import schemathesis
    except ImportError:
        print("fuzz_sandbox: schemathesis is not installed (.ci/run installs the pinned version)", file=sys.stderr)
        return 2

    started = time.monotonic()
    scratch = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(prefix="fuzz-sandbox-"))
    scratch.mkdir(parents=True, exist_ok=True)
    server = fuzzer = None
    problems = []  # failures of the run as a whole: a crash, a timeout, schemathesis itself
    try:
        spec_path = scratch / "intercom-2.16-sandbox.json"
        spec_path.write_text(json.dumps(filtered_spec()), encoding="utf-8")
        with open(scratch / "sandbox.stderr", "w") as server_log:
            server, base = start_server(os.path.abspath(args.binary), server_log)
        print(f"== sandbox at {base} (pid {server.pid}); {len(OPERATIONS)} operations of {SPEC.name}")
        status, me = call(base, "GET", "/me")
        status_list, listing = call(base, "GET", f"/contacts?per_page={PRELOADED}")
        if status != 200 or status_list != 200:
            raise RuntimeError(f"GET /me and GET /contacts answered {status} and {status_list} before the run")
        config = scratch / "schemathesis.toml"
        write_config(config, scratch, me["id"], listing["data"])

        report_dir = scratch / "reports"
        command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", str(spec_path),
                   "--url", base, "--header", f"Authorization: Bearer {TOKEN}", "--header", "Accept: application/json",
                   "--max-examples", str(args.max_examples), "--generation-deterministic", "--workers", "1",
                   "--continue-on-failure", "--request-timeout", "10", "--report", "ndjson",
                   "--report-dir", str(report_dir), "--no-color"]
        environment = dict(os.environ, SCHEMATHESIS_HOOKS=str(Path(__file__).resolve()),
                           FUZZ_SANDBOX_SPEC=str(spec_path), HYPOTHESIS_STORAGE_DIRECTORY=str(scratch / "hypothesis"),
                           PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
        print(f"== schemathesis {schemathesis.__version__}: at most {args.max_examples} cases per operation and "
              f"phase, deterministic, at most {args.timeout:.0f} s", flush=True)
        fuzzer = subprocess.Popen(command, cwd=scratch, env=environment, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        deadline = time.monotonic() + args.timeout
        while fuzzer.poll() is None:
            if server.poll() is not None:
                problems.append(f"the sandbox died during the run (exit status {server.returncode})")
                # A few seconds more, so that schemathesis records the request that was in flight.
                deadline = min(deadline, time.monotonic() + 5)
            if time.monotonic() > deadline:
                if server.poll() is None:
                    problems.append(f"schemathesis did not finish within {args.timeout:.0f} s")
                break
            time.sleep(0.25)
        if fuzzer.poll() is None:
            os.killpg(fuzzer.pid, signal.SIGTERM)
            try:
                fuzzer.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(fuzzer.pid, signal.SIGKILL)
                fuzzer.wait()
        elif fuzzer.returncode not in (0, 1):
            problems.append(f"schemathesis exited with status {fuzzer.returncode}")
        if server.poll() is None:
            status, _ = call(base, "GET", "/me")
            if status != 200:
                problems.append(f"the sandbox answered GET /me with {status} after the run")
        elif not any("died" in problem for problem in problems):
            problems.append(f"the sandbox died during the run (exit status {server.returncode})")
        problems = list(dict.fromkeys(problems))

        cases, failures = results(report_dir)
        if not cases and not problems:
            problems.append("schemathesis ran no test case (no report)")
        for label in set(failures) - {f"{method} {path}" for method, path in OPERATIONS}:
            # Errors outside any one operation (schemathesis' own, the server going away).
            problems += [f"{label}: {check}: {message}" for check, message, _ in failures.pop(label).values()]
        if server.poll() is not None:
            problems.append("sandbox stderr:\n" + crash_report(scratch / "sandbox.stderr"))
        print(f"\n== fuzz_sandbox summary ({time.monotonic() - started:.0f} s)")
        passed = failed = 0
        for method, path in OPERATIONS:
            label = f"{method} {path}"
            found = list(failures.pop(label, {}).values())
            if not cases[label]:
                found.append(("run", "no test case ran for this operation", ""))
            if found or problems:
                failed += 1
                print(f"FAIL {label} ({cases[label]} cases)")
            else:
                passed += 1
                print(f"ok   {label} ({cases[label]} cases)")
            for check, message, sample in found[:6]:
                print(f"     {check}: {message}")
                if sample:
                    print(f"       {sample}")
            if len(found) > 6:
                print(f"     … and {len(found) - 6} more, in schemathesis' report above")
        for problem in problems:
            print(f"FAIL {problem}")
        if problems:
            print("(a failure of the run as a whole fails every operation)")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed or problems else 0
    except (RuntimeError, OSError) as error:
        print(f"fuzz_sandbox: {error}", file=sys.stderr)
        if server is not None and server.poll() is not None:
            print("sandbox stderr:\n" + crash_report(scratch / "sandbox.stderr"), file=sys.stderr)
        return 2
    finally:
        if fuzzer is not None and fuzzer.poll() is None:
            os.killpg(fuzzer.pid, signal.SIGKILL)
            fuzzer.wait()
        stop(server)
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "_schemathesis_hooks":  # loaded by schemathesis through SCHEMATHESIS_HOOKS
    import schemathesis

    schemathesis.check(owner_id_follows_version)
    schemathesis.check(null_accepted_where_nullable)
elif __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
