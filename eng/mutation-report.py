#!/usr/bin/env python3
"""Reads Stryker.NET mutation reports (artifacts/mutation/reports/mutation-report.json) of the core.

  python3 eng/mutation-report.py list  REPORT [PATH-PART]   the undetected mutants (survived or not covered), one a line
  python3 eng/mutation-report.py retest REPORT              Stryker --mutate arguments selecting exactly those mutants
  python3 eng/mutation-report.py score REPORT [RETEST...]   the score per folder; each RETEST report's result replaces
                                                            REPORT's for the same mutant (same file, span and mutation)

A re-test is only exact while the core's source is unchanged since REPORT (tests may change): Stryker's
--mutate 'file{start..end}' selects the mutants whose span lies inside that character range, and the spans here are
REPORT's. A file whose source changed since REPORT must be re-tested whole (--mutate '**/File.cs'); score then takes
that file's mutants from the RETEST report that holds its new source instead of REPORT's. Set TIMEOUTS=1 to treat timed-out mutants as undetected too (to re-test them on an idle machine).
The score is Stryker's: killed and timed-out over killed, timed-out, survived and not covered; compile errors and
ignored mutants do not count.
"""
import collections
import json
import os
import sys

CORE = "src/ClientCredentials.Protocol/"
DETECTED = {"Killed", "Timeout"}
NOT_COUNTED = {"Ignored", "CompileError", "Pending"}


def undetected_statuses():
    return {"Survived", "NoCoverage"} | ({"Timeout"} if os.environ.get("TIMEOUTS") else set())


def files(report_path):
    with open(report_path, encoding="utf-8") as report:
        return json.load(report)["files"]


def relative(path):
    index = path.find(CORE)
    return path[index + len(CORE):] if index >= 0 else path


def folder(path):
    name = relative(path)
    return name.split("/")[0] if "/" in name else "(root files)"


def identity(path, mutant):
    location = mutant["location"]
    return (relative(path), location["start"]["line"], location["start"]["column"],
            location["end"]["line"], location["end"]["column"], mutant["mutatorName"], mutant.get("replacement"))


def line_starts(source):
    starts = [0]
    for index, character in enumerate(source):
        if character == "\n":
            starts.append(index + 1)
    return starts


def list_undetected(report_path, path_part=""):
    statuses = undetected_statuses()
    for path, entry in sorted(files(report_path).items()):
        if path_part not in path:
            continue
        lines = entry["source"].split("\n")
        for mutant in sorted(entry["mutants"], key=lambda m: (m["location"]["start"]["line"], m["location"]["start"]["column"])):
            if mutant["status"] in statuses:
                line = mutant["location"]["start"]["line"]
                replacement = (mutant.get("replacement") or "").replace("\n", " ")[:80]
                print(f"{relative(path)}:{line} {mutant['status']} {mutant['mutatorName']} -> {replacement!r} | {lines[line - 1].strip()[:110]}")


def retest_arguments(report_path):
    statuses = undetected_statuses()
    for path, entry in sorted(files(report_path).items()):
        starts = line_starts(entry["source"])
        spans = set()
        for mutant in entry["mutants"]:
            if mutant["status"] in statuses:
                location = mutant["location"]
                start = starts[location["start"]["line"] - 1] + location["start"]["column"] - 1
                end = starts[location["end"]["line"] - 1] + location["end"]["column"] - 1
                spans.add((start, end))
        if spans:
            print("--mutate")
            print(f"**/{relative(path)}" + "".join("{%d..%d}" % span for span in sorted(spans)))


def score(report_path, retest_paths):
    base = {relative(path): (path, entry) for path, entry in files(report_path).items()}
    # A re-test report lists every file, but those it tested none of (all ignored) may come without their source.
    retests = [{path: entry for path, entry in files(retest_path).items() if any(m["status"] not in NOT_COUNTED for m in entry["mutants"])}
               for retest_path in retest_paths]
    for retest in retests:
        for path, entry in retest.items():
            name = relative(path)
            if name not in base or base[name][1]["source"] != entry["source"]:
                base[name] = (path, entry)  # changed or new since REPORT: re-tested whole
    retested = {}
    for retest in retests:
        for path, entry in retest.items():
            if base[relative(path)][1] is entry or base[relative(path)][1]["source"] != entry["source"]:
                continue  # the file's own whole re-test, or a re-test of an older source
            for mutant in entry["mutants"]:
                if mutant["status"] not in NOT_COUNTED:
                    retested[identity(path, mutant)] = mutant["status"]
    per_folder = collections.defaultdict(collections.Counter)
    for path, entry in base.values():
        for mutant in entry["mutants"]:
            status = retested.get(identity(path, mutant), mutant["status"])
            if status not in NOT_COUNTED:
                per_folder[folder(path)][status] += 1
    total = collections.Counter()
    print(f"{'folder':16} {'killed':>7} {'timeout':>7} {'survived':>8} {'no cover':>8} {'score':>8}")
    for name, counts in sorted(per_folder.items()):
        total.update(counts)
        print_row(name, counts)
    print_row("total", total)


def print_row(name, counts):
    detected = counts["Killed"] + counts["Timeout"]
    counted = sum(counts.values())
    percent = 100.0 * detected / counted if counted else 100.0
    print(f"{name:16} {counts['Killed']:7} {counts['Timeout']:7} {counts['Survived']:8} {counts['NoCoverage']:8} {percent:7.2f} %")


def main(arguments):
    if len(arguments) < 2 or arguments[0] not in ("list", "retest", "score"):
        print(__doc__, file=sys.stderr)
        return 2
    command, report_path = arguments[0], arguments[1]
    if command == "list":
        list_undetected(report_path, arguments[2] if len(arguments) > 2 else "")
    elif command == "retest":
        retest_arguments(report_path)
    else:
        score(report_path, arguments[2:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
