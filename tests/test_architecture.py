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


# --- the whole graph: no circles, no upward imports -------------------------------------

# Layers, lowest first. A module may import its own layer and the ones below it, never above.
LAYERS = {
    "models": 0, "errors": 0,
    "core": 1, "settings": 1,
    "pipeline": 2, "cinematic": 2, "director": 2, "prompts": 2, "edit": 2, "finish": 2,
    "store": 3, "media_storage": 3, "queue": 3, "usage": 3, "providers": 3, "auth": 3,
    "services": 4,
    "cli": 5, "api": 5, "web": 5, "ui": 5, "client": 5,
}
FACES = ("framepilot.cli", "framepilot.api", "framepilot.web", "framepilot.ui", "pages", "streamlit", "fastapi")


def import_graph(package_dir: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> the framepilot modules it imports (anywhere in the file, lazy imports included)."""
    modules = {module_name(p, package_dir): p for p in sorted(package_dir.rglob("*.py"))}
    return {name: {m for m in imported_modules(path, package_dir) if m in modules and m != name}
            for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def upward_imports(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    def layer(module: str) -> int | None:
        parts = module.split(".")
        return LAYERS.get(parts[1]) if len(parts) > 1 else None

    return sorted((m, d) for m, deps in graph.items() for d in deps
                  if layer(m) is not None and layer(d) is not None and layer(d) > layer(m))


def test_no_module_of_framepilot_imports_itself_round_a_circle():
    assert circles(import_graph()) == []


def test_no_layer_imports_one_above_it():
    assert upward_imports(import_graph()) == []


def test_every_top_level_name_of_framepilot_has_a_layer():
    tops = {p.stem if p.suffix == ".py" else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert tops - set(LAYERS) == set()
    assert len([p for p in PACKAGE.glob("*.py") if p.stem != "__init__"]) <= 3  # settings, client, errors


def test_services_import_no_face():
    assert violations(python_files("services"), FACES) == {}


def test_only_the_command_line_imports_the_job_runner():
    # `jobs/` turns core use cases into queued work; the core enqueues through framepilot.queue.
    assert violations(python_files(".", exclude=("cli",)), ("jobs",)) == {}


def test_the_checks_see_a_circle_and_an_upward_import(tmp_path):
    package = tmp_path / "framepilot"
    for folder in ("models", "services"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("", encoding="utf-8")
    (package / "models" / "a.py").write_text("from framepilot.models import b\n", encoding="utf-8")
    (package / "models" / "b.py").write_text("def f():\n    from framepilot.services import c\n", encoding="utf-8")
    (package / "services" / "c.py").write_text("from framepilot.models import a\n", encoding="utf-8")

    graph = import_graph(package)

    assert circles(graph) == [["framepilot.models.a", "framepilot.models.b", "framepilot.services.c"]]
    assert ("framepilot.models.b", "framepilot.services.c") in upward_imports(graph)
