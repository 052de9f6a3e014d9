#!/usr/bin/env bash
# Installs what the build and the peers need, only what is missing (safe to run again).
# - Debian packages: the C compression, checksum and zfp libraries and python3-dev (apt-get, non-interactive).
# - One venv per pinned peer set, rebuilt only when its requirements file changes.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libblosc-dev libzstd-dev zlib1g-dev liblz4-dev libbz2-dev liblzma-dev libdeflate-dev libxxhash-dev libisal-dev libzfp-dev
              python3-dev pkg-config chromium time)
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
venv() {  # venv DIR REQUIREMENTS
  local dir=$1 req=$2 stamp="$1/.requirements.sha256"
  local want; want=$(sha256sum "$req" | cut -d' ' -f1)
  if [ -x "$dir/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then return; fi
  echo "setup: creating $dir from $req"
  rm -rf "$dir"
  "$PYTHON" -m venv "$dir"
  "$dir/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
}
venv .venv-peers-v2 Vectors/peers/requirements-zarr-python-2.txt
venv .venv-peers Vectors/peers/requirements-peers-v3.txt
# moto's S3 server for the ZarrRemote tests (Tests/ZarrRemoteTests start and stop it themselves).
venv .venv-moto scripts/requirements-moto.txt
