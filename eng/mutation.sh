#!/usr/bin/env bash
# Mutation testing of the core (src/ClientCredentials.Protocol) with the core's own tests
# (tests/ClientCredentials.Protocol.Tests), by Stryker.NET from the repository's tool manifest. The settings (net10.0,
# one test process at a time, per-test coverage, thresholds) are in tests/ClientCredentials.Protocol.Tests/stryker-config.json.
#
#   bash eng/mutation.sh                      the files changed since main (git diff main...HEAD), what a change touches
#   bash eng/mutation.sh --since origin/main  the files changed since another commit-ish
#   bash eng/mutation.sh Request Response     whole folders of the core, one or more (use "." for the whole core)
#   bash eng/mutation.sh --break 90 Request   also fail when the score is below 90 %
#
# Reports: artifacts/mutation/reports/mutation-report.{html,json}; the last line printed is the score.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

since="main"
break_at=0
folders=()
while [ $# -gt 0 ]; do
  case "$1" in
    --since) since="$2"; shift 2 ;;
    --break) break_at="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) folders+=("$1"); shift ;;
  esac
done

dotnet tool restore >/dev/null
output="$root/artifacts/mutation"
rm -rf "$output"
args=(--output "$output" --break-at "$break_at")
if [ ${#folders[@]} -eq 0 ]; then
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

cd tests/ClientCredentials.Protocol.Tests
dotnet dotnet-stryker "${args[@]}"
