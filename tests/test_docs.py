"""Docs stay true to the code: every command documented, the data-model doc generated from the schema."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from xlreview.cli import cli
from xlreview.core.thresholds import THRESHOLDS

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"xlreview {name}" in readme, name


def test_data_model_doc_is_generated_from_the_schema():
    subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_data_model_doc.py"), "--check"], check=True)


def test_every_threshold_is_explained_in_metrics_doc():
    text = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    missing = [k for k in THRESHOLDS if f"`{k}`" not in text]
    assert not missing, missing


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in readme and "scripts/test.sh" in ci
