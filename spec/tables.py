#!/usr/bin/env python3
"""Keeps the generated parts of spec/ in step with their sources, and checks that every requirement has a check.

  python3 spec/tables.py           check: exit 1 and say what is wrong when anything is out of step
  python3 spec/tables.py --write   rewrite the generated parts from their sources

Sources and what is generated from them:
  protocol.md's [Rn] tags + traceability.json  ->  traceability.md (the requirement -> checks table)
  msal-differences.json                         ->  protocol.md §9's table (between the GENERATED markers)
  the cases, vectors and requirements           ->  the counts line of README.md (between the GENERATED markers)

Checks, besides "generated text is current":
  * in protocol.md every MUST is followed, in the same paragraph, list item or table row, by a tag [Rn] (one tag may
    close several MUSTs of one requirement), every tag follows a MUST, and every tag is unique;
  * traceability.json has exactly one entry per tag, each with at least one check, and every check names an existing
    case (conformance/<name>.json), vector group (vectors/<group>.json) or vector (vectors/<group>.json#<name>), or,
    for a part of a rule that no case or vector can observe (traceability.md says which), a .NET test that exists
    (tests/<project>/<file>.cs#<method>);
  * msal-differences.json entries have unique ids, a known kind, a reason, and checkedBy "differential" or existing checks.
"""
import json
import pathlib
import re
import sys

SPEC = pathlib.Path(__file__).resolve().parent
PROTOCOL = SPEC / "protocol.md"
TRACEABILITY_JSON = SPEC / "traceability.json"
TRACEABILITY_MD = SPEC / "traceability.md"
MSAL = SPEC / "msal-differences.json"
README = SPEC / "README.md"
KINDS = ("form", "header", "assertion-header", "assertion-claim")
TAG = re.compile(r"\[R(\d+)\]")
MUST = re.compile(r"\bMUST\b")


def generated_block(name, text):
    begin = re.compile(rf"<!-- BEGIN GENERATED: {re.escape(name)}[^>]*-->\n")
    end = f"<!-- END GENERATED: {name} -->"
    m = begin.search(text)
    if not m or end not in text[m.end():]:
        raise SystemExit(f"the GENERATED markers for '{name}' are missing")
    stop = text.index(end, m.end())
    return m.end(), stop


def replace_block(text, name, body):
    start, stop = generated_block(name, text)
    return text[:start] + body + text[stop:]


def units(markdown):
    """Paragraphs, list items and table rows, with the heading they fall under: (heading, text)."""
    heading, current, result = "", [], []

    def flush():
        if current:
            result.append((heading, " ".join(current)))
            current.clear()

    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            flush()
            continue
        if in_code:
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            flush()
            heading = stripped.lstrip("#").strip()
            continue
        if not stripped or stripped.startswith("<!--"):
            flush()
            continue
        if stripped.startswith("|") or re.match(r"^([*-]|\d+\.)\s", stripped):
            flush()
        current.append(stripped)
        if stripped.startswith("|"):
            flush()
    flush()
    return result


def requirements(problems):
    """The tagged requirements of protocol.md: {n: (section, text)}, in order."""
    text = PROTOCOL.read_text(encoding="utf-8")
    start, stop = generated_block("msal-differences", text)
    text = text[:start] + text[stop:]
    found = {}
    for heading, unit in units(text):
        pieces = TAG.split(unit)
        # pieces: text, n, text, n, ..., text; MUST inside `code` does not count
        for i in range(1, len(pieces), 2):
            n = int(pieces[i])
            before = pieces[i - 1]
            if not MUST.search(re.sub(r"`[^`]*`", "", before)):
                problems.append(f"protocol.md: [R{n}] follows no MUST in its paragraph ({heading})")
            if n in found:
                problems.append(f"protocol.md: [R{n}] is used twice")
            section = heading.split(" ")[0].rstrip(".")
            sentence = re.sub(r"\s+", " ", re.sub(r"^([*-]|\d+\.)\s+", "", before.strip(" |"))).strip().lstrip(".;, ")
            found[n] = (section, sentence)
        if MUST.search(re.sub(r"`[^`]*`", "", pieces[-1])):
            problems.append(f"protocol.md: a MUST has no [Rn] tag after it ({heading}): {unit[:160]}")
    return found


def existing_checks():
    cases = {f"conformance/{p.name}" for p in (SPEC / "conformance").glob("*.json") if p.name != "case.schema.json"}
    # Managed identity answers have a format of their own (conformance/managed-identity/README.md); a requirement may
    # name them, but they are not counted with the token endpoint cases.
    MANAGED_IDENTITY_CASES.update(f"conformance/managed-identity/{p.name}" for p in (SPEC / "conformance" / "managed-identity").glob("*.json"))
    vectors = set()
    for p in (SPEC / "vectors").glob("*.json"):
        vectors.add(f"vectors/{p.name}")
        for v in json.loads(p.read_text(encoding="utf-8"))["vectors"]:
            vectors.add(f"vectors/{p.name}#{v['name']}")
    return cases, vectors


MANAGED_IDENTITY_CASES = set()


DOTNET_TEST = re.compile(r"tests/[\w./-]+\.cs#(\w+)")


def dotnet_test_exists(ref):
    """A .NET test named tests/<project>/<file>.cs#<method>: the file exists in the repository and declares the method."""
    m = DOTNET_TEST.fullmatch(ref)
    if not m:
        return False
    path = SPEC.parent / ref.split("#", 1)[0]
    return path.is_file() and re.search(rf"\b(Task|void)\s+{m.group(1)}\s*\(", path.read_text(encoding="utf-8")) is not None


def check_reference(ref, cases, vectors):
    return ref in cases or ref in vectors or ref in MANAGED_IDENTITY_CASES or dotnet_test_exists(ref)


def short(text, limit=220):
    text = text.rstrip(" .;:,")
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + " …"


def md_cell(text):
    return text.replace("|", "\\|")


def render_traceability(reqs, entries):
    lines = [
        "# Traceability: every requirement and the checks that fail when it is broken",
        "",
        "Generated by `python3 spec/tables.py --write` from the `[Rn]` tags of `protocol.md` and `traceability.json`;",
        "edit those, not this file. Each requirement lists the conformance cases (`conformance/…`) and vectors",
        "(`vectors/…`, a whole group or one `#vector`) that a client breaking it fails. A .NET test (`tests/…#test`)",
        "may be named next to them for a part no case or vector can observe; none is needed today. Mutual TLS with a",
        "client certificate on the TLS connection has no MUST: what R91 requires (refusing a non-https endpoint) is a case.",
        "`python3 spec/tables.py` fails when a requirement has no check, or names one that does not exist.",
        "",
        f"{len(reqs)} requirements, each with at least one check.",
        "",
        "| id | § | requirement | checked by |",
        "| --- | --- | --- | --- |",
    ]
    for n, (section, text) in reqs.items():
        checks = entries.get(f"R{n}", {}).get("checks", [])
        lines.append(f"| R{n} | {section} | {md_cell(short(text))} | {'<br>'.join(f'`{c}`' for c in checks)} |")
    return "\n".join(lines) + "\n"


def render_value(value):
    if value is None:
        return "absent"
    if isinstance(value, str):
        return f"`{value}`"
    return f"`{json.dumps(value, ensure_ascii=False)}`"


def render_msal(entries):
    lines = [
        "| # | where | name | MSAL.NET | this library | reason | checked by |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for e in entries:
        name = f"`{e['name']}`" + (f" ({e['scenario']})" if e.get("scenario") else "")
        checked = "differential test" if e["checkedBy"] == "differential" else "<br>".join(f"`{c}`" for c in e["checkedBy"])
        lines.append(
            f"| {e['id']} | {e['kind']} | {md_cell(name)} | {md_cell(render_value(e['msal']))} | {md_cell(render_value(e['ours']))} | {md_cell(e['reason'])} | {checked} |")
    return "\n".join(lines) + "\n"


def check_msal(entries, cases, vectors, problems):
    ids = set()
    for i, e in enumerate(entries):
        where = f"msal-differences.json entry {i}"
        for member in ("id", "kind", "name", "reason", "checkedBy"):
            if member not in e:
                problems.append(f"{where} has no '{member}'")
        if "msal" not in e or "ours" not in e:
            problems.append(f"{where} needs both 'msal' and 'ours' (null = absent)")
        if e.get("id") in ids:
            problems.append(f"{where} repeats id {e.get('id')}")
        ids.add(e.get("id"))
        if e.get("kind") not in KINDS:
            problems.append(f"{where} has kind {e.get('kind')!r}; use one of {', '.join(KINDS)}")
        checked = e.get("checkedBy")
        if checked != "differential":
            if not isinstance(checked, list) or not checked:
                problems.append(f"{where}: checkedBy is \"differential\" or a non-empty list of cases and vectors")
            else:
                for ref in checked:
                    if not check_reference(ref, cases, vectors):
                        problems.append(f"{where}: checkedBy names {ref}, which does not exist")
    if [e.get("id") for e in entries] != sorted(ids, key=lambda x: (x is None, x)):
        problems.append("msal-differences.json entries are not in id order")


def main():
    write = "--write" in sys.argv[1:]
    problems = []
    reqs = requirements(problems)
    cases, vectors = existing_checks()

    trace = json.loads(TRACEABILITY_JSON.read_text(encoding="utf-8"))
    entries = {}
    for e in trace["requirements"]:
        if e["id"] in entries:
            problems.append(f"traceability.json: {e['id']} appears twice")
        entries[e["id"]] = e
    for n in reqs:
        e = entries.get(f"R{n}")
        if e is None:
            problems.append(f"traceability.json: R{n} has no entry; give it a check, or make it a SHOULD with the reason")
        elif not e.get("checks"):
            problems.append(f"traceability.json: R{n} has no check")
        else:
            for ref in e["checks"]:
                if not check_reference(ref, cases, vectors):
                    problems.append(f"traceability.json: R{n} names {ref}, which does not exist")
    for key in entries:
        if not re.fullmatch(r"R\d+", key) or int(key[1:]) not in reqs:
            problems.append(f"traceability.json: {key} is not a requirement of protocol.md")
    cited = {ref for e in entries.values() for ref in e.get("checks", [])}
    for case in sorted(cases):
        if case not in cited:
            problems.append(f"traceability.json: {case} checks no requirement; name it where it belongs")

    msal = json.loads(MSAL.read_text(encoding="utf-8"))
    check_msal(msal, cases, vectors, problems)

    protocol = PROTOCOL.read_text(encoding="utf-8")
    new_protocol = replace_block(protocol, "msal-differences", render_msal(msal))
    new_traceability = render_traceability(reqs, entries)
    vector_count = sum(len(json.loads(p.read_text(encoding="utf-8"))["vectors"]) for p in (SPEC / "vectors").glob("*.json"))
    timeline = sum(1 for c in cases if json.loads((SPEC / c).read_text(encoding="utf-8")).get("kind") == "timeline")
    checked = sum(1 for n in reqs if entries.get(f"R{n}", {}).get("checks"))
    # A requirement checked only by .NET tests has no check a port can run: counted apart, so the figure stays honest.
    dotnet_only = sum(1 for n in reqs
                      if (checks := entries.get(f"R{n}", {}).get("checks")) and all(DOTNET_TEST.fullmatch(c) for c in checks))
    partly_dotnet = [f"R{n}" for n in reqs
                     if (checks := entries.get(f"R{n}", {}).get("checks")) and any(DOTNET_TEST.fullmatch(c) for c in checks)
                     and not all(DOTNET_TEST.fullmatch(c) for c in checks)]
    counts = (f"{len(cases)} conformance cases ({len(cases) - timeline} single, {timeline} timeline) and {vector_count} vectors "
              f"check the {len(reqs)} numbered requirements of `protocol.md`; {checked} of them have at least one check "
              f"(`traceability.md`): {checked - dotnet_only} by a case or vector, {dotnet_only} only by the .NET tests, "
              f"which a port cannot run"
              + (f"; {', '.join(partly_dotnet)} also name{'s' if len(partly_dotnet) == 1 else ''} a .NET test for a part no case can observe"
                 if partly_dotnet else "")
              + ".\n")
    readme = README.read_text(encoding="utf-8")
    new_readme = replace_block(readme, "counts", counts)

    if write:
        PROTOCOL.write_text(new_protocol, encoding="utf-8")
        TRACEABILITY_MD.write_text(new_traceability, encoding="utf-8")
        README.write_text(new_readme, encoding="utf-8")
    else:
        if new_protocol != protocol:
            problems.append("protocol.md §9 differs from msal-differences.json; run python3 spec/tables.py --write")
        if not TRACEABILITY_MD.exists() or TRACEABILITY_MD.read_text(encoding="utf-8") != new_traceability:
            problems.append("traceability.md is not current; run python3 spec/tables.py --write")
        if new_readme != readme:
            problems.append("the counts in README.md are not current; run python3 spec/tables.py --write")

    for p in problems:
        print(p)
    print(f"{len(reqs)} requirements, {checked} with a check; {len(cases)} cases; {vector_count} vectors; "
          f"{len(msal)} MSAL differences; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
