#!/usr/bin/env bash
# The test command the README gives: restores and builds the solution (the build enforces the code style and the
# public API files), checks that `dotnet format` would change nothing, runs every test project and the bounded fuzz
# run (eng/fuzz.sh), packs what the repository ships and checks the packages (eng/check-packages.sh), then prints
# one summary line "N passed, N failed[, N skipped]" counted from the TRX results (with python3, which the
# conformance tests also need for spec/conformance/validate.py); a failed check counts as one more failure.
# WireMock.Net and Garnet run inside the test processes; the distributed cache suite also runs against Debian's
# redis-server, and tests/ClientCredentials.Cli.Tests/Native publishes a native cc-token with clang (or gcc) and
# objcopy. Besides the .NET SDK: python3 (with jsonschema), redis-server, clang and binutils (.ci/run installs
# them), and Node.js 20 with npm for the interop tests (oidc-provider, npm ci from the pinned lock file, run here once).

set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

if ! command -v python3 >/dev/null 2>&1; then
  echo "python3 is required: it counts the results and runs spec/conformance/validate.py (apt-get install python3 python3-jsonschema)." >&2
  exit 2
fi

# The interop tests run oidc-provider (npm) with Node.js 20 from the pinned lock file; install it once per clone.
interop="$root/tests/ClientCredentials.Interop.Tests/oidc-provider"
if [ ! -d "$interop/node_modules" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm (Node.js 20 or later) is required: the interop tests run oidc-provider with it." >&2
    exit 2
  fi
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in $interop" >&2; echo "0 passed, 1 failed"; exit 1; }
fi

dotnet build ClientCredentials.Protocol.sln -c Release --nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }

failed_checks=0
if ! dotnet format ClientCredentials.Protocol.sln --verify-no-changes --no-restore -v quiet; then
  echo "check failed: dotnet format would change the files above; run 'dotnet format ClientCredentials.Protocol.sln' and commit the result." >&2
  failed_checks=$((failed_checks + 1))
fi

status=0
dotnet test ClientCredentials.Protocol.sln -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=2400000 || status=$?

# The distributed cache suite again, on a real redis-server instead of Garnet (CCP_L2_SERVER selects the engine; the
# suite starts and stops its own server on a free loopback port with --save '' --appendonly no). Skipped with a
# failed check when redis-server is not installed (.ci/run installs it).
if command -v redis-server >/dev/null 2>&1; then
  CCP_L2_SERVER=redis-server dotnet test tests/ClientCredentials.Protocol.Caching.Tests -c Release --no-build --nologo \
    --logger "trx;LogFileName=caching-redis-server.trx" --results-directory "$results/redis-server" || status=$?
else
  echo "check failed: redis-server is not installed, so the distributed cache suite did not run against it (apt-get install redis-server)." >&2
  failed_checks=$((failed_checks + 1))
fi

# Bounded coverage-guided fuzzing (AFL++ and SharpFuzz, 15 s per target; it installs what it needs). It runs after the
# tests so that it has the cores to itself, and writes one TRX result per target, counted in the summary below.
bash eng/fuzz.sh --trx "$results/fuzz/fuzz.trx" || status=1

if ! bash eng/check-packages.sh; then
  echo "check failed: the packages (eng/check-packages.sh)." >&2
  failed_checks=$((failed_checks + 1))
fi

python3 - "$results" "$failed_checks" <<'PY'
import sys, pathlib, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for trx in pathlib.Path(sys.argv[1]).rglob("*.trx"):
    counters = ET.parse(trx).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
failed += int(sys.argv[2])
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
PY
if [ "$status" -ne 0 ]; then exit "$status"; fi
if [ "$failed_checks" -ne 0 ]; then exit 1; fi
