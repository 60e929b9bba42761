#!/usr/bin/env bash
# Sourced by scripts/demo.sh and scripts/test.sh: makes .venv (the project's own virtual environment) and
# installs xlreview into it with the extras given in $XLR_EXTRAS. A virtual environment is what works on a
# fresh Debian/Ubuntu, whose system pip refuses to install (PEP 668, "externally-managed-environment");
# where python3-venv is missing it is installed with apt-get first (root, or sudo when available).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV="${XLR_VENV:-.venv}"
_apt() {
  local SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}
if [ ! -x "$VENV/bin/python" ]; then
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    pyver=$(python3 -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    _apt python3-venv "python${pyver}-venv" || _apt python3-venv
    python3 -m venv "$VENV"
  fi
fi
"$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
"$VENV/bin/python" -m pip install -q -e ".${XLR_EXTRAS:-}"
