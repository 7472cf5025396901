"""The tree's layering, read from the import statements (ast): the core knows nothing of the UI,
and the director and its prompts do not reach up into the providers that call them."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "framepilot"
UI_ONLY = ("streamlit", "plotly", "framepilot.ui")


def module_name(path: Path, package_dir: Path = PACKAGE) -> str:
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, package_dir: Path = PACKAGE) -> set[str]:
    """Every module an import statement in `path` names, anywhere in the file; for
    `from a import b` both `a` and `a.b` (b may be a submodule)."""
    name = module_name(path, package_dir)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this file's package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def violations(files: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    bad = {}
    for path in files:
        hits = sorted(m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in forbidden))
        if hits:
            bad[str(path.relative_to(PACKAGE.parent))] = hits
    return bad


def python_files(*folders: str, exclude: tuple[str, ...] = ()) -> list[Path]:
    files = [p for folder in folders for p in sorted((PACKAGE / folder).rglob("*.py"))]
    return [p for p in files if not any((PACKAGE / e) in p.parents for e in exclude)]


def test_the_core_imports_neither_streamlit_nor_plotly_nor_the_ui_package():
    # framepilot/web is the HTTP layer in front of Streamlit (a face, like pages/), not core
    core = python_files(".", exclude=("ui", "web"))

    assert len(core) > 50 and not any(p.relative_to(PACKAGE).parts[0] in ("ui", "web") for p in core)
    assert violations(core, UI_ONLY) == {}


def test_the_ui_package_is_where_the_presentation_imports_are():
    # The check above can see an import: the charts module really uses plotly.
    found = violations(python_files("ui"), UI_ONLY)
    assert "plotly.graph_objects" in found["framepilot/ui/charts.py"]
    assert "plotly.graph_objects" in found["framepilot/ui/cost_charts.py"]


def test_the_director_and_its_prompts_do_not_import_the_providers():
    lower = python_files("director", "prompts")

    assert len(lower) >= 10
    assert violations(lower, ("framepilot.providers",)) == {}


def test_relative_imports_are_resolved_before_checking(tmp_path):
    package = tmp_path / "framepilot"
    (package / "director").mkdir(parents=True)
    (package / "director" / "sneaky.py").write_text(
        "def later():\n    from ..providers import base\n    from .. import ui\n", encoding="utf-8")

    assert imported_modules(package / "director" / "sneaky.py", package) >= {"framepilot.providers.base", "framepilot.ui"}
