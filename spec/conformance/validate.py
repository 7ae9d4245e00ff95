#!/usr/bin/env python3
"""Checks every conformance case: valid JSON, valid against case.schema.json, and internally consistent.

Usage: python3 spec/conformance/validate.py   (needs the 'jsonschema' package, Debian: python3-jsonschema)
Exit code 0 when every case passes; the failures are printed otherwise.
"""
import base64
import json
import pathlib
import re
import sys

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA = json.loads((HERE / "case.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
MOCK_BASE = "${mockBase}"
SECRET = "conformance~secret*value"
PLACEHOLDERS = {
    "${clientId}", "${tokenEndpoint}", "${basicAuthorization}", "${certificate.x5t}", "${certificate.x5t#S256}",
    "${now}", "${clientRequestId}", "${issuer}",
}
DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
RFC8414_PREFIX = "/.well-known/oauth-authorization-server"
MAX_RETRY_AFTER_WAIT = 2


def body_text(response):
    if "body" in response:
        return response["body"].replace(MOCK_BASE, "")
    if "jsonBody" in response:
        return json.dumps(response["jsonBody"]).replace(MOCK_BASE, "")
    if "base64Body" in response:
        return None
    return ""


def discovery_token_path(mappings):
    """oidc, oauth: the token endpoint path named by the (last) metadata document, else the token mapping's path."""
    for m in reversed(mappings):
        if m["request"]["method"] == "GET":
            doc = m["response"].get("jsonBody")
            if isinstance(doc, dict) and isinstance(doc.get("token_endpoint"), str):
                return doc["token_endpoint"].replace(MOCK_BASE, "")
    posts = [m for m in mappings if m["request"]["method"] == "POST"]
    return posts[0]["request"]["urlPath"] if posts else None


def metadata_paths(client):
    """The GET paths an issuer authority may read: OIDC discovery (§1.5), and for oauth first RFC 8414's (§1.5a)."""
    issuer_path = client["issuerPath"].rstrip("/")
    paths = [issuer_path + DISCOVERY_SUFFIX]
    if client["kind"] == "oauth":
        paths.insert(0, RFC8414_PREFIX + issuer_path)
    return paths


def token_path(client, mappings):
    if client["kind"] == "entra":
        return f"/{client['tenant']}/oauth2/v2.0/token"
    if client["kind"] in ("oidc", "oauth"):
        return discovery_token_path(mappings)
    return client["tokenEndpointPath"]


def sample_form(client):
    """A body a conformant client could send for this case (used to prove the matchers accept it)."""
    fields = []
    credential = client["credential"]
    if credential != "secret-basic":
        fields.append(("client_id", client["clientId"]))
    if credential == "secret":
        fields.append(("client_secret", SECRET))
    elif credential not in ("secret-basic", "mtls"):
        fields.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
        fields.append(("client_assertion", "eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln"))
    fields.append(("scope", " ".join(client["scopes"])))
    fields.append(("grant_type", "client_credentials"))
    return "&".join(f"{form_encode(name)}={form_encode(value)}" for name, value in fields)


def form_encode(value):
    """application/x-www-form-urlencoded as protocol.md §3.2 (WHATWG): A-Z a-z 0-9 * - . _ kept, space '+', else %XX."""
    out = []
    for byte in value.encode("utf-8"):
        c = chr(byte)
        if c.isascii() and (c.isalnum() or c in "*-._"):
            out.append(c)
        elif c == " ":
            out.append("+")
        else:
            out.append(f"%{byte:02X}")
    return "".join(out)


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
    by_state = {m.get("requiredScenarioState"): m for m in mappings}
    order, state = [], "Started"
    while state in by_state and len(order) < len(mappings):
        m = by_state[state]
        order.append(m["response"])
        state = m.get("newScenarioState")
    return order


def retry_after_seconds(response):
    value = response.get("headers", {}).get("Retry-After")
    return int(value) if value is not None and value.isdigit() else None


def is_retried(response):
    """Whether a client with retries left would retry this answer (protocol.md §7.1), so a virtual clock would stall."""
    if "fault" in response:
        return True
    status = response["status"]
    wait = retry_after_seconds(response)
    if status in (429, 503) and wait is not None:
        return wait <= MAX_RETRY_AFTER_WAIT
    if status >= 500 or status == 408:
        return True
    text = body_text(response)
    try:
        body = json.loads(text) if text else None
    except json.JSONDecodeError:
        body = None
    return status != 429 and isinstance(body, dict) and body.get("error") in ("temporarily_unavailable", "server_error")


def placeholders_in(value):
    found = []
    if isinstance(value, str):
        found += re.findall(r"\$\{[^}]*\}", value)
    elif isinstance(value, dict):
        for v in value.values():
            found += placeholders_in(v)
    elif isinstance(value, list):
        for v in value:
            found += placeholders_in(v)
    return found


def check_outcome(problems, expect, last):
    if "unreachable" in expect:
        if "fault" not in last:
            problems.append("an unreachable outcome is expected but the last answer is not a fault")
        return
    if "fault" in last:
        problems.append("the last answer is a fault, so the outcome must be unreachable")
        return
    text = body_text(last)
    if "token" in expect:
        if not 200 <= last["status"] < 300:
            problems.append("a token is expected but the last response is not 2xx")
        if text is not None:
            try:
                body = json.loads(text.lstrip("\ufeff"))
                if not isinstance(body, dict) or "access_token" not in body or body.get("error"):
                    problems.append("a token is expected but the last body has no access_token or has an error")
                want = expect["token"].get("accessToken")
                if want is not None and isinstance(body, dict) and body.get("access_token") != want:
                    problems.append("token.accessToken differs from the last body's access_token")
            except json.JSONDecodeError:
                problems.append("a token is expected but the last body is not JSON")
        return
    err = expect["error"]
    if err["status"] != last["status"]:
        problems.append(f"expect.error.status {err['status']} differs from the last response status {last['status']}")
    body = None
    if text is not None:
        try:
            body = json.loads(text)
        except json.JSONDecodeError:
            body = None
    is_oauth_error = isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"] != ""
    if err["error"] != "invalid_response" and not is_oauth_error:
        problems.append("a body that is not an OAuth error must expect error 'invalid_response'")
    if is_oauth_error and err["error"] != "invalid_response":
        if 300 <= last["status"] < 400:
            problems.append("a 3xx is never read as an OAuth error: expect 'invalid_response'")
        if err["error"] != body["error"]:
            problems.append("expect.error.error differs from the body's error")
        codes = [int(c) for c in body.get("error_codes") or []] if isinstance(body.get("error_codes") or [], list) else None
        if codes is not None and err["errorCodes"] != codes:
            problems.append("expect.error.errorCodes differ from the body's error_codes")
        start = err.get("descriptionStartsWith")
        if start and not str(body.get("error_description", "")).startswith(start):
            problems.append("descriptionStartsWith is not a prefix of the body's error_description")
    if err["error"] == "invalid_response" and err["errorCodes"]:
        problems.append("an invalid_response has no error codes")
    if err.get("retryAfterSeconds") is not None and last.get("headers", {}).get("Retry-After") != str(err["retryAfterSeconds"]):
        problems.append("retryAfterSeconds differs from the Retry-After header")


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
    timeline = case.get("kind") == "timeline"
    posts = [m for m in mappings if m["request"]["method"] == "POST"]
    gets = [m for m in mappings if m["request"]["method"] == "GET"]
    path_of_token = token_path(client, mappings)
    if path_of_token is None:
        problems.append("an oidc case needs a GET discovery mapping whose jsonBody names token_endpoint")
    if gets and client["kind"] not in ("oidc", "oauth"):
        problems.append("GET mappings (metadata) belong to oidc and oauth cases only")
    for i, m in enumerate(gets):
        if m["request"]["urlPath"] not in metadata_paths(client):
            problems.append(f"GET mapping {i} is not a metadata path of the issuer: {', '.join(metadata_paths(client))}")
    if not posts:
        problems.append("no token endpoint mapping")
    form = sample_form(client)
    for i, m in enumerate(posts):
        if path_of_token is not None and m["request"]["urlPath"] != path_of_token:
            problems.append(f"POST mapping {i} urlPath is not the client's token endpoint {path_of_token}")
        for p in m["request"]["bodyPatterns"]:
            for key in ("matches", "doesNotMatch"):
                if key in p:
                    try:
                        re.compile(p[key])
                    except re.error as e:
                        problems.append(f"POST mapping {i} bad regex {p[key]!r}: {e}")
            if not pattern_accepts(p, form):
                problems.append(f"POST mapping {i} pattern {p} rejects a conformant request body: {form}")
    by_path = {}
    for m in gets:
        by_path.setdefault(m["request"]["urlPath"], []).append(m)
    for group, name in [(posts, "token")] + [(g, f"metadata {p}") for p, g in by_path.items()]:
        if len(group) > 1:
            names = {m.get("scenarioName") for m in group}
            if None in names or len(names) != 1:
                problems.append(f"several {name} mappings must share one scenarioName")
            elif len(played_responses(group)) != len(group):
                problems.append(f"{name} scenario states do not chain from 'Started' through every mapping")
    for m in mappings:
        r = m["response"]
        if "base64Body" in r:
            try:
                base64.b64decode(r["base64Body"], validate=True)
            except ValueError:
                problems.append("base64Body is not valid Base64")
    for placeholder in placeholders_in(expect) + placeholders_in(case.get("steps", [])):
        if placeholder not in PLACEHOLDERS:
            problems.append(f"unknown placeholder {placeholder}")
    if client.get("dpopKey") is None and ("dpop" in json.dumps(expect.get("sent", {})) or "sentPerRequest" in expect and "dpop" in json.dumps(expect["sentPerRequest"])):
        problems.append("expectations on the DPoP proof need client.dpopKey")
    per_request = expect.get("sentPerRequest")
    played = played_responses(posts) if posts else []
    if timeline:
        if any(is_retried(r) for r in played) and client.get("maxRetries") != 0:
            problems.append("a timeline whose answers a client would retry must set maxRetries 0 (the virtual clock stands still during a call)")
        previous_at, previous_requests = 0, 0
        for i, step in enumerate(case["steps"]):
            if step["at"] < previous_at:
                problems.append(f"steps[{i}].at goes back in time")
            if step["expect"]["requests"] < previous_requests:
                problems.append(f"steps[{i}].expect.requests is lower than the step before")
            if ("invalidate" in step) != ("invalidated" in step["expect"]):
                problems.append(f"steps[{i}]: 'invalidated' is the outcome of an invalidate step, and only of one")
            previous_at, previous_requests = step["at"], step["expect"]["requests"]
        if previous_requests != expect["requests"]:
            problems.append("expect.requests differs from the last step's requests")
    else:
        if not played:
            problems.append("no response is played")
            return problems, case
        if len(played) > 1 and expect["requests"] - len(gets) < len(played) and "token" in expect:
            problems.append("the token comes from a response the client never reaches")
        reached = expect["requests"] - len(gets)
        if per_request is not None and len(per_request) != max(reached, 0):
            problems.append("sentPerRequest must have one item per token request")
        if "configuration" in expect:
            # Refused before anything is posted; the requests counted are the metadata GETs.
            if reached != 0:
                problems.append("a configuration error is found before sending: no token request may be counted")
        elif reached < 1:
            # The acquisition failed at discovery: no token request was sent.
            if expect.get("error", {}).get("error") != "invalid_discovery_document":
                problems.append("a case whose requests do not reach the token endpoint must fail with invalid_discovery_document")
        else:
            check_outcome(problems, expect, played[min(reached, len(played)) - 1])
        gaps = expect.get("requestGaps")
        if gaps is not None and len(gaps) != expect["requests"] - 1:
            problems.append("requestGaps must have one item per pair of consecutive requests")
    return problems, case


def main():
    files = sorted(f for f in HERE.glob("*.json") if f.name != "case.schema.json")
    sources = (HERE / "SOURCES.md").read_text(encoding="utf-8")
    failed, codes, kinds = 0, set(), {"single": 0, "timeline": 0}
    for f in files:
        problems, case = check_case(f)
        if f"| `{f.stem}` |" not in sources:
            problems.append("the case is not listed in SOURCES.md")
        if problems:
            failed += 1
            print(f"FAIL {f.name}")
            for p in problems:
                print(f"  - {p}")
        if case:
            kinds[case.get("kind", "single")] += 1
            for outcome in [case.get("expect", {})] + [s.get("expect", {}) for s in case.get("steps", [])]:
                if "error" in outcome:
                    codes.update(outcome["error"].get("errorCodes", []))
                    m = re.match(r"AADSTS(\d+):", outcome["error"].get("descriptionStartsWith", ""))
                    if m:
                        codes.add(int(m.group(1)))
    print(f"{len(files) - failed} passed, {failed} failed")
    print(f"cases: {kinds['single']} single, {kinds['timeline']} timeline")
    print(f"distinct AADSTS codes: {len(codes)}: {sorted(codes)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
