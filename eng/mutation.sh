#!/usr/bin/env bash
# Mutation testing of the core (src/ClientCredentials.Protocol) with the core's own tests
# (tests/ClientCredentials.Protocol.Tests), by Stryker.NET from the repository's tool manifest. The settings (net10.0,
# one test process at a time, per-test coverage, thresholds) are in tests/ClientCredentials.Protocol.Tests/stryker-config.json.
#
#   bash eng/mutation.sh                      the files changed since main (git diff main...HEAD), what a change touches
#   bash eng/mutation.sh --since origin/main  the files changed since another commit-ish
#   bash eng/mutation.sh Request Response     whole folders of the core, one or more (use "." for the whole core)
#   bash eng/mutation.sh --break 90 Request   also fail when the score is below 90 %
#   bash eng/mutation.sh --retest REPORT      only the mutants REPORT left undetected (the source must be unchanged
#                                             since REPORT; eng/mutation-report.py score combines the two reports)
#
# Reports: artifacts/mutation/reports/mutation-report.{html,json}; the last line printed is the score.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
caller="$PWD"
cd "$root"

since="main"
break_at=0
retest=""
folders=()
while [ $# -gt 0 ]; do
  case "$1" in
    --since) since="$2"; shift 2 ;;
    --break) break_at="$2"; shift 2 ;;
    --retest) retest="$(cd "$caller" && realpath -- "$2")"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) folders+=("$1"); shift ;;
  esac
done

dotnet tool restore >/dev/null
output="$root/artifacts/mutation"
args=(--output "$output" --break-at "$break_at")
if [ -n "$retest" ]; then
  if [ ! -f "$retest" ]; then
    echo "mutation.sh: the report $retest does not exist; give a mutation-report.json of an earlier run." >&2
    exit 2
  fi
  # Read the selection before the output directory (which may hold that report) is emptied.
  mapfile -t selection < <(python3 "$root/eng/mutation-report.py" retest "$retest")
  if [ ${#selection[@]} -eq 0 ]; then
    echo "mutation.sh: $retest has no undetected mutant; nothing to re-test."
    exit 0
  fi
  args+=("${selection[@]}")
elif [ ${#folders[@]} -eq 0 ]; then
  if ! git rev-parse --verify --quiet "$since" >/dev/null; then
    echo "mutation.sh: '$since' is not a commit here; fetch it or name folders instead (bash eng/mutation.sh Request)." >&2
    exit 2
  fi
  if git diff --quiet "$since"...HEAD -- src/ClientCredentials.Protocol tests/ClientCredentials.Protocol.Tests; then
    echo "mutation.sh: nothing in the core or its tests changed since $since; nothing to mutate."
    exit 0
  fi
  args+=(--since:"$since")
else
  for folder in "${folders[@]}"; do
    if [ "$folder" = "." ]; then
      args+=(--mutate "**/*.cs" --mutate "!**/obj/**/*.cs")
    elif [ -d "src/ClientCredentials.Protocol/$folder" ]; then
      args+=(--mutate "**/$folder/**/*.cs")
    elif [ -f "src/ClientCredentials.Protocol/$folder" ]; then
      args+=(--mutate "**/$folder")
    else
      echo "mutation.sh: src/ClientCredentials.Protocol/$folder does not exist." >&2
      exit 2
    fi
  done
fi

rm -rf "$output"
cd tests/ClientCredentials.Protocol.Tests
dotnet dotnet-stryker "${args[@]}"
