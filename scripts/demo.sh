#!/usr/bin/env bash
# The README's first command: install xlreview into .venv (scripts/venv.sh) and build the sample review.
# Arguments go to `xlreview demo` (default: demo.xlsm). Afterwards run xlreview as .venv/bin/xlreview
# (or `source .venv/bin/activate` once, then plain `xlreview`).
set -euo pipefail
cd "$(dirname "$0")/.."
XLR_EXTRAS="" source scripts/venv.sh
[ "$#" -eq 0 ] && set -- demo.xlsm
exec .venv/bin/xlreview demo "$@"
