"""The import contract of the code base (pyproject.toml, ``[tool.importlinter]``) holds, and it
really fails the build when someone breaks it; no import cycle inside ``node``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")

# No import cycle may appear inside node (the street committee's executors are a table filled
# where the node is built, so its changes do not call back into the services that import them).
KNOWN_CYCLES: list[set[str]] = []


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--config", str(cwd / "pyproject.toml")],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contract_holds() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        # A service that publishes by itself instead of announcing an event.
        ("node/services/actions.py", "import node.fed.outbox", "layers of node"),
        # A service that reaches for the web framework.
        ("node/services/chat.py", "import quart", "never reach HTTP"),
        # The protocol library depending on the application.
        ("federation/build.py", "import node.models", "library of its own"),
    ],
)
def test_a_bad_import_breaks_the_build(
    tmp_path: Path, module: str, bad_import: str, broken: str
) -> None:
    for package in ("node", "federation"):
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{bad_import}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken}" in result.stdout and "BROKEN" in result.stdout


def _cycles(graph: grimp.ImportGraph) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(group)
    return found


def test_no_import_cycle_inside_node() -> None:
    """In-function imports count too: hiding a cycle in a function does not remove it."""
    graph = grimp.build_graph("node", exclude_type_checking_imports=True)
    unexpected = [group for group in _cycles(graph) if group not in KNOWN_CYCLES]
    assert unexpected == []


def test_every_module_of_node_has_a_layer() -> None:
    """A new top-level module outside the layers would escape the contract."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c["layers"] for c in contracts if c["type"] == "layers")
    named = {name.strip() for layer in layers for name in layer.split("|")}
    modules = {
        f"node.{path.stem}"
        for path in (ROOT / "node").iterdir()
        if path.name != "__init__.py"
        and not path.name.startswith((".", "_"))
        and (path.suffix == ".py" or (path / "__init__.py").exists())
    }
    assert modules - named == set()


MAX_MODULE_LINES = 400


def test_no_module_of_node_or_federation_is_longer_than_400_lines() -> None:
    """A module past 400 lines holds more than one subject: split it into modules named with
    the domain's words. Migrations are generated and left out."""
    long = {
        str(path.relative_to(ROOT)): lines
        for package in ("node", "federation")
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
        and (lines := len(path.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
