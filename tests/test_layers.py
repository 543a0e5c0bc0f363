"""The layers of the code, read from its imports: what may import what, and no import cycles.

* The core (``locator``, but not ``locator.build``) never imports the build,
  the web layer, the UI or Streamlit: a query never loads build-time code.
* The build (``locator.build``) uses the core, never the web layer, the UI or Streamlit.
* The web layer (``web``) and the UI (``components``, ``app.py``) sit on the core.
* No module imports itself back through others.

Imports are read from the source (every ``import`` statement, at any depth of a
module, since a deferred import is still a dependency), so a module added
anywhere is covered without a list to keep.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("locator", "components", "web")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def first_party_modules() -> dict[str, Path]:
    modules = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    modules["app"] = ROOT / "app.py"
    return modules


MODULES = first_party_modules()


def resolve(name: str) -> str | None:
    """The first-party module ``name`` is, or is inside (``locator.errors.X`` is ``locator.errors``)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Every module ``module`` imports, first-party ones resolved to their module, others by their top name."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # ``from locator import messages`` imports the module locator.messages; ``from locator.errors
            # import X`` the module locator.errors (as import-linter reads them).
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for name in names:
            own = resolve(name)
            if own is not None:
                found.add(own)
            elif name.split(".")[0] not in PACKAGES:
                found.add(name.split(".")[0])
    found.discard(module)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def is_core(module: str) -> bool:
    return module.split(".")[0] == "locator" and not is_build(module)


def is_build(module: str) -> bool:
    return module == "locator.build" or module.startswith("locator.build.")


def layer(module: str) -> str:
    if is_build(module):
        return "build"
    if is_core(module):
        return "core"
    return module.split(".")[0]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_core(m)))
def test_the_core_never_imports_the_build_the_web_layer_the_ui_or_streamlit(module):
    wrong = {m for m in GRAPH[module] if is_build(m) or m.split(".")[0] in ("web", "components", "app", "streamlit")}
    assert not wrong, f"{module} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_build(m)))
def test_the_build_uses_the_core_and_never_the_web_layer_the_ui_or_streamlit(module):
    wrong = {m for m in GRAPH[module] if m.split(".")[0] in ("web", "components", "app", "streamlit")}
    assert not wrong, f"{module} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) in ("web", "components", "app")))
def test_the_web_layer_and_the_ui_never_import_the_build(module):
    assert not {m for m in GRAPH[module] if is_build(m)}, module


def test_no_module_imports_itself_back_through_others():
    first_party = {m: {i for i in GRAPH[m] if i in MODULES} for m in MODULES}
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for other in sorted(first_party[module]):
            if state.get(other) == 1:
                cycles.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other, [*path, other])
        state[module] = 2

    for module in sorted(first_party):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_answering_a_query_loads_no_build_code_no_web_layer_no_ui_and_no_streamlit():
    """Measured in a fresh interpreter: what a lookup really loads, deferred imports included."""
    script = ("import sys; from locator import Locator; Locator.load().lookup('SL6 8DG'); "
              "print('\\n'.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    wrong = {m for m in loaded if is_build(m) or m.split(".")[0] in ("web", "components", "streamlit", "PIL")}
    assert not wrong, sorted(wrong)
