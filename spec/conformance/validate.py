#!/usr/bin/env python3
"""Checks every conformance case: valid JSON, valid against case.schema.json, and internally consistent.

Usage: python3 spec/conformance/validate.py   (needs the 'jsonschema' package, Debian: python3-jsonschema)
Exit code 0 when every case passes; the failures are printed otherwise.
"""
import json
import pathlib
import re
import sys
import urllib.parse

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA = json.loads((HERE / "case.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def token_path(client):
    if client["kind"] == "entra":
        return f"/{client['tenant']}/oauth2/v2.0/token"
    return client["tokenEndpointPath"]


def sample_form(client):
    """A body a conformant client could send for this case (used to prove the matchers accept it)."""
    fields = [("client_id", client["clientId"])]
    if client["credential"] == "secret":
        fields.append(("client_secret", "s3cr3t~value"))
    else:
        fields.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
        fields.append(("client_assertion", "eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"))
    fields.append(("scope", " ".join(client["scopes"])))
    fields.append(("grant_type", "client_credentials"))
    return urllib.parse.urlencode(fields, quote_via=urllib.parse.quote, safe="")


def pattern_accepts(pattern, body):
    if "contains" in pattern:
        return pattern["contains"] in body
    if "matches" in pattern:
        return re.fullmatch(pattern["matches"], body, re.DOTALL) is not None
    return re.fullmatch(pattern["doesNotMatch"], body, re.DOTALL) is None


def played_responses(mappings):
    """Responses in the order the scenario plays them (a single unscenarised mapping plays forever)."""
    if len(mappings) == 1 and "scenarioName" not in mappings[0]:
        return [mappings[0]["response"]]
    by_state = {m["requiredScenarioState"]: m for m in mappings}
    order, state = [], "Started"
    while state in by_state and len(order) < len(mappings):
        m = by_state[state]
        order.append(m["response"])
        state = m.get("newScenarioState")
    return order


def check_case(path):
    problems = []
    try:
        case = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        return [f"not valid JSON: {e}"], None
    for err in sorted(VALIDATOR.iter_errors(case), key=lambda e: list(e.path)):
        problems.append(f"schema: {'/'.join(map(str, err.path))}: {err.message}")
    if problems:
        return problems, case
    if case["name"] != path.stem:
        problems.append(f"name '{case['name']}' differs from file name '{path.stem}'")
    client, mappings, expect = case["client"], case["mappings"], case["expect"]
    form = sample_form(client)
    for i, m in enumerate(mappings):
        if m["request"]["urlPath"] != token_path(client):
            problems.append(f"mappings[{i}].request.urlPath is not the client's token endpoint {token_path(client)}")
        for p in m["request"]["bodyPatterns"]:
            for key in ("matches", "doesNotMatch"):
                if key in p:
                    try:
                        re.compile(p[key])
                    except re.error as e:
                        problems.append(f"mappings[{i}] bad regex {p[key]!r}: {e}")
            if not pattern_accepts(p, form):
                problems.append(f"mappings[{i}] pattern {p} rejects a conformant request body: {form}")
    scenario_names = {m.get("scenarioName") for m in mappings}
    if len(mappings) > 1:
        if None in scenario_names or len(scenario_names) != 1:
            problems.append("several mappings must share one scenarioName")
        played = played_responses(mappings)
        if len(played) != len(mappings):
            problems.append("scenario states do not chain from 'Started' through every mapping")
    played = played_responses(mappings)
    last = played[-1] if played else None
    if last is None:
        problems.append("no response is played")
        return problems, case
    if "token" in expect:
        if last["status"] != 200:
            problems.append("a token is expected but the last response is not 200")
        text = last["body"] if "body" in last else json.dumps(last["jsonBody"])
        try:
            body = json.loads(text)
            if "access_token" not in body or "error" in body:
                problems.append("a token is expected but the last body has no access_token or has error")
        except json.JSONDecodeError:
            problems.append("a token is expected but the last body is not JSON")
    else:
        err = expect["error"]
        if err["status"] != last["status"]:
            problems.append(f"expect.error.status {err['status']} differs from the last response status {last['status']}")
        text = last["body"] if "body" in last else json.dumps(last["jsonBody"])
        try:
            body = json.loads(text)
            is_oauth_error = isinstance(body, dict) and isinstance(body.get("error"), str)
        except json.JSONDecodeError:
            body, is_oauth_error = None, False
        if is_oauth_error:
            if err["error"] != body["error"]:
                problems.append("expect.error.error differs from the body's error")
            if err["errorCodes"] != body.get("error_codes", []):
                problems.append("expect.error.errorCodes differ from the body's error_codes")
            start = err.get("descriptionStartsWith")
            if start and not body.get("error_description", "").startswith(start):
                problems.append("descriptionStartsWith is not a prefix of the body's error_description")
        elif err["error"] != "invalid_response":
            problems.append("a non-OAuth body must expect error 'invalid_response'")
        if "retryAfterSeconds" in err and err["retryAfterSeconds"] is not None:
            if last["headers"].get("Retry-After") != str(err["retryAfterSeconds"]):
                problems.append("retryAfterSeconds differs from the Retry-After header")
    return problems, case


def main():
    files = sorted(HERE.glob("*.json"))
    files = [f for f in files if f.name != "case.schema.json"]
    failed, codes = 0, set()
    for f in files:
        problems, case = check_case(f)
        if problems:
            failed += 1
            print(f"FAIL {f.name}")
            for p in problems:
                print(f"  - {p}")
        if case and "error" in case.get("expect", {}):
            codes.update(case["expect"]["error"].get("errorCodes", []))
            start = case["expect"]["error"].get("descriptionStartsWith", "")
            m = re.match(r"AADSTS(\d+):", start)
            if m:
                codes.add(int(m.group(1)))
    print(f"{len(files) - failed} passed, {failed} failed")
    print(f"distinct AADSTS codes: {len(codes)}: {sorted(codes)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
