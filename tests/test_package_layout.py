"""The package layout is the architecture: imports between its parts go one way only."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "leafpress"


def _imports() -> dict[str, set[str]]:
    """Every leafpress module's name -> the modules it imports (at any depth in its code)."""
    found: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path}: relative import (use leafpress.<part>.<module>)"
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[module] = names
    return found


def _part(module: str) -> str:
    """The pipeline part a module belongs to: 'leafpress.render.pdf' -> 'render'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "leafpress"


def test_the_parts_import_each_other_in_one_direction_only():
    modules = _imports()
    edges: dict[str, set[str]] = {}
    for module, names in modules.items():
        for name in names:
            if name.startswith("leafpress.") and _part(name) != _part(module):
                edges.setdefault(_part(module), set()).add(_part(name))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in edges.get(start, ()))

    assert {"build", "formats", "render"} <= set(edges)  # the edges were read at all
    cycles = sorted(part for part in edges if reaches(part, part, set()))
    assert cycles == [], {part: sorted(edges[part]) for part in cycles}


def test_check_never_reaches_the_renderer_and_nothing_imports_the_cli():
    modules = _imports()
    assert len([m for m in modules if _part(m) == "check"]) >= 5  # or the loop checks nothing
    for module, names in modules.items():
        if _part(module) == "check":
            banned = {n for n in names if n.split(".")[0] == "weasyprint"
                      or _part(n) in ("render", "formats", "build", "catalogue")
                      and n.startswith("leafpress.")}
            assert not banned, f"{module} imports {sorted(banned)}"
        if module != "leafpress.cli":
            assert not any(n.startswith("leafpress.cli") for n in names), module


def test_the_model_imports_only_the_shared_top_level_modules():
    modules = _imports()
    assert {"leafpress.model.brand", "leafpress.model.leaflet"} <= set(modules)
    for module, names in modules.items():
        if _part(module) == "model":
            ours = {n for n in names if n.startswith("leafpress.")}
            assert all(_part(n) in ("model", "errors", "files", "limits", "suggest") for n in ours), \
                (module, sorted(ours))


def test_every_module_the_suite_hands_out_first_exists():
    """A renamed module would drop out of LONG_FIRST silently and come last again."""
    from .conftest import LONG_FIRST

    here = Path(__file__).resolve().parent
    assert [name for name in LONG_FIRST if not (here / name).is_file()] == []
