#!/usr/bin/env bash
# Installs what the build and the peers need, only what is missing (safe to run again).
# - Debian packages: the C compression, checksum and zfp libraries and python3-dev (apt-get, non-interactive).
# - One venv per pinned peer set, rebuilt only when its requirements file changes.
# The peers' own needs (Debian packages, venvs and their Python) are read from Vectors/peers/peers.json.
set -euo pipefail
cd "$(dirname "$0")/.."

# peers.json → "apt PKG…" and "venv DIR REQUIREMENTS PYTHON" lines (the default python3 reads JSON).
PEER_NEEDS=$(python3 - <<'PY'
import json
peers = json.load(open("Vectors/peers/peers.json"))["peers"]
debs = sorted({d for p in peers for d in p.get("install", {}).get("debian", [])})
print("apt " + " ".join(debs))
seen = set()
for p in peers:
    i = p.get("install", {})
    if "venv" in i and i["venv"] not in seen:
        seen.add(i["venv"])
        print("venv", i["venv"], i["requirements"], i.get("python", "3.11"))
PY
)
PEER_DEBS=$(printf '%s\n' "$PEER_NEEDS" | sed -n 's/^apt //p')

# shellcheck disable=SC2206  # the package list is words on purpose
APT_PACKAGES=(libblosc-dev libzstd-dev zlib1g-dev liblz4-dev libbz2-dev liblzma-dev libdeflate-dev libxxhash-dev libisal-dev libzfp-dev
              python3-dev pkg-config chromium time $PEER_DEBS)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
# The interpreter for a venv's Python version: the default python3 when it is that version,
# else pyenv's newest build of it.
python_for() {  # python_for 3.12
  if "$PYTHON" -c "import sys; sys.exit(sys.version.startswith('$1.') is False)" 2>/dev/null; then echo "$PYTHON"; return; fi
  local root; root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  local found; found=$(ls -d "$root"/versions/"$1".*/bin/python 2>/dev/null | sort -V | tail -1)
  [ -n "$found" ] || { echo "setup: no Python $1 (pyenv install $1)" >&2; return 1; }
  echo "$found"
}
venv() {  # venv DIR REQUIREMENTS [PYTHON-VERSION]
  local dir=$1 req=$2 stamp="$1/.requirements.sha256"
  local want; want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return; fi
  local python; python=$(python_for "${3:-3.11}") || return 0  # the peer shows as unavailable in the reports
  echo "setup: creating $dir from $req with $python"
  rm -rf "$dir"
  "$python" -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
}
while read -r kind dir req version; do
  [ "$kind" = venv ] && venv "$dir" "$req" "$version"
done <<< "$PEER_NEEDS"
# moto's S3 server for the ZarrRemote tests (Tests/ZarrRemoteTests start and stop it themselves).
venv .venv-moto scripts/requirements-moto.txt
# The Dask driver and its tests (python/, docs/dask.md).
venv .venv-dask python/requirements-dask.txt 3.11
