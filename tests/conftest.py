"""Shared fixtures. LibreOffice tests FAIL (not skip) when CI is set and soffice is missing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from xlreview.libreoffice import soffice_path

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session", autouse=True)
def own_cache_folder(tmp_path_factory):
    """The user's cache folder (``workbook.cache.user_cache_folder``) is a fresh folder for the session: the
    suite never writes to the real ~/.cache, and the first ``new``/``demo`` builds the VBA project itself."""
    folder = tmp_path_factory.mktemp("user-cache")
    saved = {k: os.environ.get(k) for k in ("XDG_CACHE_HOME", "LOCALAPPDATA")}
    os.environ["XDG_CACHE_HOME"] = os.environ["LOCALAPPDATA"] = str(folder)
    yield folder
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def pytest_addoption(parser):
    parser.addoption("--excel", action="store_true", default=False,
                     help="also run the backend contract tests on a live Excel through xlwings")


@pytest.fixture(scope="session")
def soffice():
    """The soffice binary; in CI its absence is a failure, elsewhere a skip."""
    exe = soffice_path()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is required in CI: apt-get install libreoffice-calc-nogui")
        pytest.skip("LibreOffice not installed")
    return exe


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory):
    """The demo workbook (default size) built once per session: (path, JSON result)."""
    import json

    from xlreview.demo import demo_frames
    from xlreview.pipeline import build
    from xlreview.template import write_workbook
    tmp = tmp_path_factory.mktemp("demo")
    path = write_workbook(tmp / "demo.xlsm", demo_frames())
    build(path, tmp / "demo.json")
    return path, json.loads((tmp / "demo.json").read_text(encoding="utf-8"))
