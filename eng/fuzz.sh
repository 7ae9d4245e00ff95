#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers that read untrusted bytes (tests/ClientCredentials.Protocol.Fuzz/README.md):
# installs AFL++ (Debian) and the SharpFuzz tool when missing, publishes the fuzz project, instruments the project's
# assemblies, runs afl-fuzz on each target from its committed corpus for a bounded time, and fails when a target
# saved a crash (an unexpected exception or a broken invariant) or a hang. Each crash is replayed in-process so the
# log shows its exception and stack trace.
#
#   bash eng/fuzz.sh                          every target, 15 s each (what CI runs through eng/test.sh)
#   bash eng/fuzz.sh --seconds 1800 response  one target for 30 minutes
#   bash eng/fuzz.sh --trx results.trx        also write one TRX test result per target (eng/test.sh counts them)
#
# Findings: artifacts/fuzz/findings/<target>/default/{crashes,hangs,queue}; instrumented copy of the build: artifacts/fuzz/bin.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

seconds=15
trx=""
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --trx) trx="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [ ${#targets[@]} -eq 0 ]; then
  targets=(response jwt assertion form)
fi

project="tests/ClientCredentials.Protocol.Fuzz"
out="$root/artifacts/fuzz"
bin="$out/bin"
results=()
# Writes one TRX test result per target (or one for a setup failure) when --trx was given.
write_trx() {
  [ -n "$trx" ] || return 0
  mkdir -p "$(dirname "$trx")" "$out"
  local rows="$out/results.txt"
  printf '%s\0' "${results[@]}" >"$rows"
  python3 - "$trx" "$rows" <<'PY'
import sys, uuid, datetime, xml.etree.ElementTree as ET
ns = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"
ET.register_namespace("", ns)
rows = [r.split("|", 3) for r in open(sys.argv[2], encoding="utf-8").read().split("\0") if r]
now = datetime.datetime.now(datetime.timezone.utc).isoformat()
run = ET.Element(f"{{{ns}}}TestRun", id=str(uuid.uuid4()), name="eng/fuzz.sh")
ET.SubElement(run, f"{{{ns}}}Times", creation=now, start=now, finish=now)
results = ET.SubElement(run, f"{{{ns}}}Results")
for target, outcome, seconds, message in rows:
    duration = str(datetime.timedelta(seconds=int(seconds)))
    result = ET.SubElement(results, f"{{{ns}}}UnitTestResult", testName=f"Fuzz.{target}", outcome="Passed" if outcome == "passed" else "Failed",
                           duration=duration, executionId=str(uuid.uuid4()), testId=str(uuid.uuid4()), computerName="fuzz")
    output = ET.SubElement(result, f"{{{ns}}}Output")
    if outcome == "passed":
        ET.SubElement(output, f"{{{ns}}}StdOut").text = message
    else:
        info = ET.SubElement(output, f"{{{ns}}}ErrorInfo")
        ET.SubElement(info, f"{{{ns}}}Message").text = message
passed = sum(1 for r in rows if r[1] == "passed")
summary = ET.SubElement(run, f"{{{ns}}}ResultSummary", outcome="Completed" if passed == len(rows) else "Failed")
ET.SubElement(summary, f"{{{ns}}}Counters", total=str(len(rows)), executed=str(len(rows)), passed=str(passed), failed=str(len(rows) - passed))
ET.ElementTree(run).write(sys.argv[1], xml_declaration=True, encoding="utf-8")
PY
}

# A failure before any target ran: reported, and counted as one failed result.
setup_failed() {
  echo "$1" >&2
  results+=("setup|failed|0|$1")
  write_trx
  exit 2
}

# A hang is an input that takes this long (the parsers answer in microseconds to milliseconds; the margin is for
# a loaded 2-core CI machine).
hang_ms=10000

if ! command -v afl-fuzz >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    setup_failed "afl-fuzz is missing: install AFL++ (apt-get install afl++) or run as root."
  fi
  echo "Installing AFL++ (Debian package afl++)..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null) || setup_failed "apt-get install afl++ failed"
fi
dotnet tool restore >/dev/null || setup_failed "dotnet tool restore failed (SharpFuzz.CommandLine, .config/dotnet-tools.json)"

# The Release build (already there when eng/test.sh has built the solution) is copied, then instrumented in the copy.
rm -rf "$bin"
mkdir -p "$out/findings"
dotnet build "$project" -c Release --nologo -v quiet >"$out/build.log" 2>&1 || { cat "$out/build.log" >&2; setup_failed "building $project failed"; }
cp -r "$project/bin/Release/net10.0" "$bin"
# Only the project's own assemblies carry coverage; the runtime and packages stay as they are.
for assembly in ClientCredentials.Protocol ClientCredentials.Cli ClientCredentials.Emulator; do
  dotnet sharpfuzz "$bin/$assembly.dll" >/dev/null || setup_failed "instrumenting $assembly.dll failed"
done

# afl-fuzz checks that the binary is instrumented by scanning it; dotnet is not, the assemblies it loads are.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

status=0
for target in "${targets[@]}"; do
  corpus="$project/corpus/$target"
  findings="$out/findings/$target"
  if [ ! -d "$corpus" ]; then
    setup_failed "unknown target '$target' (no $corpus)"
  fi
  rm -rf "$findings"
  dictionary=()
  if [ -f "$project/dictionaries/$target.dict" ]; then
    dictionary=(-x "$project/dictionaries/$target.dict")
  fi

  started=$(date +%s)
  afl-fuzz -V "$seconds" -t "$hang_ms" -m none -i "$corpus" -o "$findings" "${dictionary[@]}" \
    -- dotnet "$bin/ClientCredentials.Protocol.Fuzz.dll" fuzz "$target" >"$out/$target.log" 2>&1
  afl_status=$?
  elapsed=$(( $(date +%s) - started ))

  stats="$findings/default/fuzzer_stats"
  crashes=$(find "$findings/default/crashes" -type f -name 'id:*' 2>/dev/null | wc -l)
  hangs=$(find "$findings/default/hangs" -type f -name 'id:*' 2>/dev/null | wc -l)
  execs=$(sed -n 's/^execs_done *: *//p' "$stats" 2>/dev/null)
  paths=$(sed -n 's/^corpus_count *: *//p' "$stats" 2>/dev/null)
  summary="$target: ${execs:-0} executions in ${elapsed} s, ${paths:-0} inputs in the queue, $crashes crashes, $hangs hangs"

  if [ "$afl_status" -ne 0 ] || [ ! -f "$stats" ]; then
    echo "FAIL $target: afl-fuzz did not run (exit $afl_status); the end of $out/$target.log:" >&2
    tail -20 "$out/$target.log" >&2
    results+=("$target|failed|$elapsed|afl-fuzz did not run (exit $afl_status); see $out/$target.log")
    status=1
  elif [ "$crashes" -gt 0 ] || [ "$hangs" -gt 0 ]; then
    echo "FAIL $summary"
    detail="$summary. Inputs: $findings/default/crashes and hangs."
    if [ "$crashes" -gt 0 ]; then
      # The build that is not instrumented: instrumented code only runs under the fuzzer, which maps its coverage map.
      replay=$(dotnet "$project/bin/Release/net10.0/ClientCredentials.Protocol.Fuzz.dll" replay "$target" "$findings/default/crashes" 2>&1 | head -60)
      echo "$replay"
      detail="$detail"$'\n'"$replay"
    fi
    results+=("$target|failed|$elapsed|$detail")
    status=1
  else
    echo "ok   $summary"
    results+=("$target|passed|$elapsed|$summary")
  fi
done

write_trx
exit "$status"
