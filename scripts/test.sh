#!/usr/bin/env bash
# The test command of the README: installs what the tests need, then runs pytest.
# - LibreOffice (headless, Debian package) is the independent client the end-to-end tests use;
#   installed with apt-get when missing (root, or sudo when available); python3-venv likewise (scripts/venv.sh).
# - The project and its test extra go into .venv, never the system Python (PEP 668).
# - pytest's exit code 5 (no tests collected) is turned into a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
XLR_EXTRAS="[test]" source scripts/venv.sh      # .venv with xlreview and its test extra (PEP 668-safe)
# Impress (libsdlo) renders the deck (xlreview deck): a LibreOffice with Calc only is not enough.
impress_installed() {
  local exe
  exe="$(readlink -f "$(command -v soffice)")" && [ -e "$(dirname "$exe")/libsdlo.so" ]
}
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1 || ! impress_installed; then
  _apt libreoffice-calc-nogui libreoffice-impress-nogui poppler-utils
fi
set +e
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi
if [ "$rc" -eq 0 ] && [ "$#" -eq 0 ]; then
  # The Excel-path tests once more on the LOWEST xlwings pyproject.toml allows, so the pin is proven: that
  # xlwings is installed once into .cache/ and laid over .venv's with PYTHONPATH (no second venv).
  XLW_MIN=$(sed -n 's/^ *"xlwings>=\([0-9.]*\)".*/\1/p' pyproject.toml)
  XLW_DIR=".cache/xlwings-$XLW_MIN"
  [ -d "$XLW_DIR/xlwings" ] || .venv/bin/python -m pip install -q --no-deps --target "$XLW_DIR" "xlwings==$XLW_MIN"
  echo "Excel-path tests with xlwings $XLW_MIN:"
  PYTHONPATH="$XLW_DIR" .venv/bin/python -m pytest -q -p no:cacheprovider tests/excel \
    tests/workbook/test_live_charts.py tests/workbook/test_backend_contract.py || rc=$?
fi
exit "$rc"
