#!/usr/bin/env python3
"""Validate sandbox JSON responses against Intercom's official OpenAPI description.

Usage: validate_against_spec.py SPEC_YAML SAMPLES_DIR

Why: the sandbox server must behave like the real Intercom API, so its
responses are checked against Intercom's own OpenAPI document, *not* against
our client's Swift models (which would only prove that the sandbox agrees with
our own assumptions, bugs included).

SAMPLES_DIR holds files named `<schema_name>.<anything>.json` (or
`<schema_name>.json`); the part before the first dot names a schema in
`components.schemas` (e.g. `contact.created.json`, `error.401.json`).

OpenAPI 3.0 schemas are converted to JSON Schema (draft 2020-12, where `$ref`
may have sibling keywords such as `properties` next to `allOf`):
  * `nullable: true` becomes `type: [T, "null"]` (plus `null` in `enum`), or
    `anyOf: [<schema>, {type: null}]` when combined with `$ref`/`allOf`/...;
  * OpenAPI-only keywords (`example`, `discriminator`, `xml`, ...) are dropped;
  * `$ref: #/components/schemas/X` is kept and resolved inside one document
    holding every converted schema, so recursive schemas are not a problem;
  * `additionalProperties` is only enforced where the spec says so, and
    `format` is an annotation (no format checker).

Output: `ok <file>` or one `FAIL <file>: <JSON path>: <message>` line per
error (best match first), then `N passed, M failed`.
Exit status: 0 all passed, 1 some failed, 2 usage error.
"""
import json
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match, relevance

DROP = {"nullable", "example", "examples", "discriminator", "xml",
        "externalDocs", "deprecated", "readOnly", "writeOnly"}
SCHEMA_MAPS = {"properties", "patternProperties", "$defs"}
SCHEMA_LISTS = {"allOf", "anyOf", "oneOf", "prefixItems"}
SCHEMA_VALUES = {"items", "additionalProperties", "not", "contains"}
COMPOSITE = {"$ref", "allOf", "anyOf", "oneOf", "not"}


def convert(node):
    """Convert one OpenAPI 3.0 schema object into a JSON Schema object."""
    if not isinstance(node, dict):
        return node  # e.g. `additionalProperties: true`
    out = {}
    for key, value in node.items():
        if key in DROP or key.startswith("x-"):
            continue
        if key in SCHEMA_MAPS:
            out[key] = {name: convert(sub) for name, sub in value.items()}
        elif key in SCHEMA_LISTS:
            out[key] = [convert(sub) for sub in value]
        elif key in SCHEMA_VALUES:
            out[key] = convert(value)
        else:
            out[key] = value
    if node.get("nullable") is True:
        if COMPOSITE & out.keys() or "type" not in out:
            return {"anyOf": [out, {"type": "null"}]}
        out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def describe(error):
    """Render one error as `<JSON path>: <message>`, descending into anyOf/oneOf."""
    error = best_match([error])
    return f"{error.json_path}: {error.message}"


def main(argv):
    if len(argv) != 3:
        print(__doc__.splitlines()[2], file=sys.stderr)
        return 2
    spec_path, samples_dir = Path(argv[1]), Path(argv[2])
    if not spec_path.is_file() or not samples_dir.is_dir():
        print(f"usage error: need a spec file and a samples directory, got "
              f"{spec_path} and {samples_dir}", file=sys.stderr)
        return 2
    spec = yaml.safe_load(spec_path.read_text())
    schemas = spec.get("components", {}).get("schemas", {})
    components = {"schemas": {name: convert(s) for name, s in schemas.items()}}
    samples = sorted(samples_dir.glob("*.json"))
    if not samples:
        print(f"usage error: no *.json files in {samples_dir}", file=sys.stderr)
        return 2

    passed = failed = 0
    for path in samples:
        name = path.name.split(".", 1)[0]
        if name not in schemas:
            problems = [f"$: no schema named {name!r} in components.schemas"]
        else:
            try:
                instance = json.loads(path.read_text())
            except ValueError as exc:
                problems = [f"$: not valid JSON: {exc}"]
            else:
                root = {"$ref": f"#/components/schemas/{name}",
                        "components": components}
                validator = Draft202012Validator(root)
                errors = sorted(validator.iter_errors(instance),
                                key=relevance, reverse=True)
                problems = [describe(e) for e in errors]
        if problems:
            failed += 1
            for problem in problems:
                print(f"FAIL {path.name}: {problem}")
        else:
            passed += 1
            print(f"ok {path.name}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
