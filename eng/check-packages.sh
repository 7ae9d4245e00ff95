#!/usr/bin/env bash
# Packs what this repository ships, from the Release build that already exists (eng/test.sh builds it first), and
# checks what a user would get: the four libraries and the cc-token tool, nothing else; each with its README, its
# repository commit and a symbols package whose PDBs carry SourceLink; the libraries for net8.0 and net10.0 with
# XML docs (package validation, run by pack, checks the two expose the same API); and the tool, installed from the
# package into a temporary directory, running its demo against the emulator it carries.
# Usage: bash eng/check-packages.sh [output directory]   (default artifacts/packages)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="${1:-$root/artifacts/packages}"
rm -rf "$out"
mkdir -p "$out"

dotnet pack ClientCredentials.Protocol.sln -c Release --no-build --nologo -v quiet -o "$out"

python3 - "$out" <<'PY'
import re, sys, zipfile, pathlib
out = pathlib.Path(sys.argv[1])
libraries = ["ClientCredentials.Protocol", "ClientCredentials.Protocol.Extensions", "ClientCredentials.Protocol.Azure", "ClientCredentials.Protocol.Caching"]
tool = "ClientCredentials.Cli"
repository = "https://github.com/clientcredentials/ClientCredentials.Protocol"
problems = []

def package_id(path):
    return re.sub(r"\.\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\.s?nupkg$", "", path.name)

packed = sorted(package_id(p) for p in out.glob("*.nupkg"))
if packed != sorted(libraries + [tool]):
    problems.append(f"expected packages {sorted(libraries + [tool])}, got {packed}")

for path in sorted(out.glob("*.nupkg")):
    name = package_id(path)
    with zipfile.ZipFile(path) as package:
        files = set(package.namelist())
        nuspec = package.read(next(f for f in files if f.endswith(".nuspec"))).decode("utf-8")
    if "README.md" not in files or "<readme>README.md</readme>" not in nuspec:
        problems.append(f"{path.name}: no README.md")
    if not re.search(rf'<repository type="git" url="{re.escape(repository)}"[^>]* commit="[0-9a-f]{{40}}"', nuspec):
        problems.append(f"{path.name}: the nuspec names no repository commit")
    if name in libraries:
        for tfm in ("net8.0", "net10.0"):
            for ext in ("dll", "xml"):
                if f"lib/{tfm}/{name}.{ext}" not in files:
                    problems.append(f"{path.name}: lib/{tfm}/{name}.{ext} missing")
    if name == tool:
        for needed in ("tools/net10.0/any/ClientCredentials.Cli.dll", "tools/net10.0/any/ClientCredentials.Emulator.dll", "tools/net10.0/any/ClientCredentials.Protocol.dll"):
            if needed not in files:
                problems.append(f"{path.name}: {needed} missing")
    symbols = path.with_suffix(".snupkg")
    if not symbols.exists():
        problems.append(f"{path.name}: no symbols package")
        continue
    with zipfile.ZipFile(symbols) as package:
        pdbs = [f for f in package.namelist() if f.endswith(".pdb")]
        if not pdbs:
            problems.append(f"{symbols.name}: no PDB")
        for pdb in pdbs:
            # Portable PDBs keep the SourceLink document map as plain UTF-8 JSON: {"documents":{"<root>/*":"<url>/*"}}.
            if not re.search(rb'"documents":\{"[^"]+":"https://raw\.githubusercontent\.com/clientcredentials/ClientCredentials\.Protocol/[0-9a-f]{40}/\*"', package.read(pdb)):
                problems.append(f"{symbols.name}: {pdb} has no SourceLink map to {repository}")

for problem in problems:
    print(f"package check: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"package check: {', '.join(packed)} packed with README, symbols and SourceLink")
PY

# Install the tool from the package alone (a NuGet config with only the output folder: no registry is asked) and run
# its demo, which starts the emulator the tool carries and gets tokens from it over loopback.
version="$(ls "$out" | sed -n 's/^ClientCredentials\.Cli\.\(.*\)\.nupkg$/\1/p')"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
cat > "$tools/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="packed" value="$out" />
  </packageSources>
</configuration>
XML
# Its own package folder too, so that a package of the same version cached by an earlier run is never used.
NUGET_PACKAGES="$tools/packages" dotnet tool install ClientCredentials.Cli --version "$version" --tool-path "$tools/bin" \
  --configfile "$tools/nuget.config" >/dev/null
if ! "$tools/bin/cc-token" demo >"$tools/demo.log" 2>&1; then
  cat "$tools/demo.log" >&2
  echo "package check: the installed cc-token tool failed its demo" >&2
  exit 1
fi
echo "package check: cc-token $version installs from its package and runs the demo"
