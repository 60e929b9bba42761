#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs pytest.
# - LibreOffice (headless, Debian package) is the independent client the end-to-end tests use;
#   installed with apt-get when missing (root, or sudo when available); python3-venv likewise (scripts/venv.sh).
# - The project and its test extra go into .venv, never the system Python (PEP 668).
# - pytest's exit code 5 (no tests collected) is turned into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
XLR_EXTRAS="[test]" source scripts/venv.sh      # .venv with xlreview and its test extra (PEP 668-safe)
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  _apt libreoffice-calc-nogui libreoffice-impress-nogui poppler-utils
fi
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
exit "$rc"
