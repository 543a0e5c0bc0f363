"""The layers of the code, read from its imports: what may import what, and no import cycles.

* The core (``locator``, but not ``locator.build``) never imports the build,
  the web layer, the UI or Streamlit: a query never loads build-time code.
* The build (``locator.build``) uses the core, never the web layer, the UI or Streamlit.
* The UI (``app.py``, the pages in ``app_pages``, ``components``) reaches the core
  through one door, ``components.view``, and only through the names it exports.
  The one part of the core the UI reads directly is its wording
  (``locator.messages``: every sentence a person reads lives there).
* The door asks the core and counts a page's searches (``web.metrics``); it
  draws nothing (no Streamlit) and knows no component.
* Of the web layer, the UI uses only the staff's sign-in and the audit log;
  ``app.py`` also builds the server it runs in (``web.server``).
* No module imports another component's internals: a name starting with ``_``,
  or a module inside a component's package from outside that package.
* The web layer (``web``) sits on the core, and draws its HTML pages with the components' words and the door.
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
PACKAGES = ("locator", "app_pages", "components", "web")
#: The UI's layers: the entry file, its pages, and the pieces they draw with.
UI = ("app", "app_pages", "components")
#: The UI's one door to the core.
DOOR = "components.view"
#: The core's wording, which every layer may read.
WORDING = "locator.messages"
#: What the UI may use of the web layer: the staff's sign-in in front of the desk, and the audit log.
STAFF_SERVICES = frozenset({"web.audit", "web.staff", "web.staff_oidc", "web.sign_in_flow", "web.sign_outs"})


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


def import_nodes(module: str) -> list[tuple[ast.Import | ast.ImportFrom, str]]:
    """Every import statement of ``module``, at any depth, with the module a ``from`` import names
    (relative ones made absolute; '' for a plain ``import``)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[ast.Import | ast.ImportFrom, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.append((node, ""))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append((node, base))
    return found


def from_imports(module: str) -> list[tuple[str, str]]:
    """Every ``from X import name`` of ``module`` whose X is first-party: (the module X resolves to, name)."""
    return [(own, alias.name) for node, base in import_nodes(module) if isinstance(node, ast.ImportFrom)
            and (own := resolve(base)) is not None for alias in node.names]


def imports_of(module: str) -> set[str]:
    """Every module ``module`` imports, first-party ones resolved to their module, others by their top name."""
    found: set[str] = set()
    for node, base in import_nodes(module):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            # ``from locator import messages`` imports the module locator.messages; ``from locator.errors
            # import X`` the module locator.errors (as import-linter reads them).
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
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


def is_ui(module: str) -> bool:
    """Part of the UI, the door aside."""
    return module.split(".")[0] in UI and module != DOOR


def component_of(module: str) -> str:
    """The component ``module`` belongs to: ``components.clinic_map.layers`` is part of ``components.clinic_map``."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "components" else module


def exported_names(module: str) -> set[str]:
    """``module``'s ``__all__``."""
    for node in ast.parse(MODULES[module].read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError(f"{module} has no __all__")


def layer(module: str) -> str:
    if is_build(module):
        return "build"
    if is_core(module):
        return "core"
    return module.split(".")[0]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_core(m)))
def test_the_core_never_imports_the_build_the_web_layer_the_ui_or_streamlit(module):
    wrong = {m for m in GRAPH[module] if is_build(m) or m.split(".")[0] in ("web", *UI, "streamlit")}
    assert not wrong, f"{module} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_build(m)))
def test_the_build_uses_the_core_and_never_the_web_layer_the_ui_or_streamlit(module):
    wrong = {m for m in GRAPH[module] if m.split(".")[0] in ("web", *UI, "streamlit")}
    assert not wrong, f"{module} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) in ("web", *UI)))
def test_the_web_layer_and_the_ui_never_import_the_build(module):
    assert not {m for m in GRAPH[module] if is_build(m)}, module


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_ui(m)))
def test_the_ui_reaches_the_core_only_through_the_door_and_reads_its_wording_directly(module):
    wrong = {m for m in GRAPH[module] if is_core(m) and m != WORDING}
    assert not wrong, f"{module} imports {sorted(wrong)}: ask components.view instead"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_ui(m)))
def test_the_ui_takes_only_the_names_the_door_exports(module):
    # The door imports the core's types and errors; the UI gets none of them through it by accident.
    exported = exported_names(DOOR)
    wrong = {name for source, name in from_imports(module) if source == DOOR and name not in exported}
    assert not wrong, f"{module} imports {sorted(wrong)} from {DOOR}, which does not export them"


def test_the_door_asks_the_core_counts_page_searches_and_draws_nothing():
    wrong = {m for m in GRAPH[DOOR]
             if is_build(m) or m.split(".")[0] in (*UI, "streamlit") or (layer(m) == "web" and m != "web.metrics")}
    assert not wrong, f"{DOOR} imports {sorted(wrong)}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if is_ui(m)))
def test_the_ui_uses_the_web_layer_only_for_the_staff_sign_in_and_the_audit_log(module):
    allowed = STAFF_SERVICES | ({"web.server"} if module == "app" else set())
    wrong = {m for m in GRAPH[module] if layer(m) == "web" and m not in allowed}
    assert not wrong, f"{module} imports {sorted(wrong)}"


def test_no_module_imports_another_components_internals():
    wrong = []
    for module in sorted(MODULES):
        for source, name in from_imports(module):
            if source.split(".")[0] != "components" or component_of(source) == component_of(module):
                continue
            if name.startswith("_") or source != component_of(source):
                wrong.append(f"{module}: from {source} import {name}")
        for imported in GRAPH[module]:
            if (imported.split(".")[0] == "components" and imported != component_of(imported)
                    and component_of(imported) != component_of(module)):
                wrong.append(f"{module}: imports {imported}, a part of {component_of(imported)}")
    assert not wrong, "\n".join(sorted(set(wrong)))


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


def test_each_page_is_a_module_the_entry_file_navigates_to_and_no_pages_folder_sits_beside_it():
    # Streamlit reads a pages/ folder beside the entry file as pages of its older, folder-based navigation.
    assert not (ROOT / "pages").exists()
    pages = {m for m in MODULES if m.startswith("app_pages.")}
    assert pages and pages <= GRAPH["app"], sorted(pages - GRAPH["app"])


def test_no_test_module_imports_another_test_module():
    # What tests share lives in conftest.py (fixtures) or in a helper module (tests/browser/desk.py …):
    # a test module is collected on its own, and importing one runs its module-level set-up twice.
    offenders = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):  # `from . import test_x` names the module among what it takes
                names = [node.module or ""] + ([alias.name for alias in node.names] if node.level else [])
            else:
                continue
            if any(name.rsplit(".", 1)[-1].startswith("test_") for name in names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
