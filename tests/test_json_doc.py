"""docs/metrics.md section 10 lists every key the JSON result carries (and `build --help` points there)."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from xlreview import cli
from xlreview.core.review import compute_review, review_json
from xlreview.demo import demo_frames
from xlreview.model.read import frames_to_raw, read_inputs

ROOT = Path(__file__).parents[1]
SECTION = "## 11. JSON 结果 / JSON result"


def _json_section() -> str:
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert SECTION in text
    body = text.split(SECTION, 1)[1]
    return body.split("\n## ", 1)[0]


def _keys(value) -> set[str]:
    """Every (top-level or nested record) key of a JSON value; a text field's ``<field>_codes`` counts as the one
    documented key ``<字段>_codes`` (its params are the placeholders of xlreview/text.py, not JSON keys)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for k, v in value.items():
            if k.endswith("_codes"):
                out.add("<字段>_codes")
                continue
            out.add(k)
            out |= _keys(v)
    elif isinstance(value, list):
        for v in value:
            out |= _keys(v)
    return out


def test_every_json_key_is_documented():
    inputs, report = read_inputs(frames_to_raw(demo_frames()))
    assert report.ok
    out = review_json(compute_review(inputs))
    documented = set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)", _json_section()))
    documented |= {"<字段>_codes"} & set(re.findall(r"`(<字段>_codes)`", _json_section()))
    missing = sorted(_keys(out) - documented)
    assert not missing, missing
    # and the section names nothing the code does not write (a stale doc would mislead too)
    for top in re.findall(r"^\| `([a-z_]+)(?:\[\])?` ", _json_section(), flags=re.M):
        assert top in out, top


def test_build_help_points_to_the_json_section():
    help_text = CliRunner().invoke(cli.cli, ["build", "--help"]).output
    assert "docs/metrics.md" in help_text and "JSON" in help_text
