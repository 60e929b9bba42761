"""The architecture holds: every layer imports only the layers below it, and the core is pandas only.

LAYERS is THE table of allowed imports (docs/architecture.md draws it). Every module of xlreview belongs to
one layer (its first package or module name under xlreview/); every ``import`` in it, at the top or inside
a function, must name its own layer, a layer of its row, or a library of its row. A new package or module
without a row fails here until it gets one.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "xlreview"
ANY = None          # any installed library
DATA = {"numpy", "pandas"}

# layer: (xlreview layers it may import, third-party libraries it may import). Lower rows never import upper.
LAYERS: dict[str, tuple[set[str], set[str] | None]] = {
    "__init__":    (set(), set()),
    "text":        (set(), set()),
    "errors":      ({"text"}, set()),
    "core":        ({"text"}, DATA),
    "model":       ({"core", "text", "errors"}, DATA | {"pyarrow"}),     # pyarrow: the Parquet store
    "ooxml":       ({"errors", "text"}, ANY),
    "libreoffice": ({"errors", "text"}, ANY),
    "importers":   ({"model", "core", "text", "errors", "ooxml", "workbook"}, ANY),
    "workbook":    ({"model", "core", "text", "errors", "ooxml", "__init__"}, ANY),
    "sheets":      ({"core", "text"}, ANY),
    "demo":        ({"model", "core", "text"}, DATA),
    "deck":        ({"core", "sheets", "errors", "text"}, ANY),
    "pipeline":    ({"core", "model", "sheets", "deck", "workbook", "importers", "errors", "text"}, ANY),
    "template":    ({"core", "model", "text", "errors", "ooxml", "excel", "workbook", "__init__"}, ANY),
    "excel":       ({"pipeline", "core", "model", "sheets", "deck", "workbook", "importers", "errors", "text",
                     "ooxml", "__init__"}, ANY),
    "cli":         ({"pipeline", "core", "model", "importers", "workbook", "template", "demo", "errors", "text",
                     "ooxml", "libreoffice", "__init__"}, ANY),
}
# edges the table forbids that are still in the code, each with who removes it; a fixed one must leave
# this list (the test says so), so the list only shrinks
KNOWN_UPWARD: dict[tuple[str, str], str] = {}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports():
    """(layer, file, line, imported module) for every import statement under xlreview/."""
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).with_suffix("")
        module = ".".join(rel.parts)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        package = package.removesuffix(".__init__")
        layer = _layer(module.removesuffix(".__init__"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield layer, path, node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                    if node.module:
                        yield layer, path, node.lineno, target
                    else:                                 # from . import a, b: modules, or names of the package
                        for alias in node.names:
                            sub = ROOT.parent.joinpath(*target.split("."), alias.name)
                            is_module = sub.is_dir() or sub.with_suffix(".py").exists()
                            yield layer, path, node.lineno, f"{target}.{alias.name}" if is_module else target
                else:
                    yield layer, path, node.lineno, node.module


def _edges():
    """{(layer, imported layer or library): first 'file:line'} over the whole package."""
    found: dict[tuple[str, str], str] = {}
    for layer, path, line, module in _imports():
        top = module.split(".")[0]
        if top == "xlreview":
            target = "__init__" if module == "xlreview" else _layer(module)
            if target == layer:
                continue
        elif top in sys.stdlib_module_names or top == "__future__":
            continue
        else:
            target = "lib:" + top
        found.setdefault((layer, target), f"{path.relative_to(ROOT.parent)}:{line}")
    return found


def test_every_layer_has_a_row():
    layers = {_layer(".".join(p.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__"))
              for p in ROOT.rglob("*.py")}
    missing = sorted(layers - set(LAYERS))
    assert not missing, f"add a row to LAYERS (tests/test_layers.py) for xlreview/{missing}"


def test_every_import_follows_the_layer_table():
    bad = []
    for (layer, target), where in sorted(_edges().items()):
        allowed, libraries = LAYERS[layer]
        if target.startswith("lib:"):
            if libraries is not ANY and target[4:] not in libraries:
                bad.append(f"{where}: {layer} imports the library {target[4:]}")
        elif target not in allowed and (layer, target) not in KNOWN_UPWARD:
            bad.append(f"{where}: {layer} imports {target} (allowed: {sorted(allowed)})")
    assert not bad, "\n".join(bad)


def test_known_upward_edges_are_still_there():
    stale = [edge for edge in KNOWN_UPWARD if edge not in _edges()]
    assert not stale, f"{stale} no longer exist: remove them from KNOWN_UPWARD"


def test_core_imports_no_workbook_or_cli_library():
    # the table checks each file's own imports; this checks what importing core and model pulls in, transitively
    forbidden = ("openpyxl", "xlwings", "click", "python_calamine", "lxml")
    code = ("import sys, importlib, pkgutil, xlreview.core as c\n"
            "for m in pkgutil.iter_modules(c.__path__):\n"
            "    importlib.import_module('xlreview.core.' + m.name)\n"
            "import xlreview.model.read, xlreview.model.parse\n"
            f"bad = [m for m in {forbidden!r} if m in sys.modules]\n"
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core/model import {out.stdout.strip()}"
