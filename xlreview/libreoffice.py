"""LibreOffice headless as the independent client: open, recalculate, convert and render workbooks.

A throwaway user profile is made per call with ``OOXMLRecalcMode`` = 0 (always recalculate formulas
on load), so what we read back is what a spreadsheet engine computes, not our cached values.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    """Path of the soffice binary, or None when LibreOffice is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def make_profile(base: Path) -> Path:
    """Create a throwaway LibreOffice profile that recalculates OOXML formulas on load."""
    user = base / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
    return base


def convert(src: Path, fmt: str, outdir: Path, timeout: float = 300) -> Path:
    """Convert ``src`` with ``soffice --headless --convert-to fmt``; returns the output path.

    ``fmt`` is e.g. ``"pdf"``, ``"xlsx"``, ``"csv"`` or a full filter spec ``"pdf:calc_pdf_Export"``.
    Raises RuntimeError with LibreOffice's output when no file was produced.
    """
    exe = soffice_path()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    src, outdir = Path(src).resolve(), Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlr-lo-") as prof:
        profile = make_profile(Path(prof))
        env = dict(os.environ, HOME=prof)
        proc = subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--nologo",
             "--convert-to", fmt, "--outdir", str(outdir), str(src)],
            capture_output=True, text=True, timeout=timeout, env=env,
        )
    ext = fmt.split(":")[0]
    out = outdir / (src.stem + "." + ext)
    if not out.exists():
        raise RuntimeError(f"LibreOffice did not convert {src.name} to {ext}:\n{proc.stdout}\n{proc.stderr}")
    return out
