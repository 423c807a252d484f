"""Print the import circles among custom_components/clicksend_sms's modules.

Run with `scripts/env python tools/import_cycles.py`; exits 1 when there is a
circle. Imports under `if TYPE_CHECKING:` count too (`--runtime` leaves them
out): a circle there is still two modules that each need the other.
"""

from __future__ import annotations

import ast
from pathlib import Path
import sys

PACKAGE = Path(__file__).resolve().parent.parent / "custom_components" / "clicksend_sms"


def module_name(path: Path) -> str:
    """Name a module by its path in the package ("api.client", "__init__")."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path, *, runtime_only: bool) -> set[str]:
    """Return the package's modules that a module imports."""
    name = module_name(path)
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    if name == "__init__":
        package = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skipped.update(id(child) for child in ast.walk(node))
    found: set[str] = set()
    for node in ast.walk(tree):
        if (
            not isinstance(node, ast.ImportFrom)
            or not node.level
            or id(node) in skipped
        ):
            continue
        base = package[: len(package) - (node.level - 1)]
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
        found.add(target or "__init__")
    found.discard(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            group.append(node)
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def main() -> int:
    """Print the circles, if any."""
    runtime_only = "--runtime" in sys.argv
    graph = {
        module_name(path): imports(path, runtime_only=runtime_only)
        for path in PACKAGE.rglob("*.py")
    }
    # A package's __init__ re-exports; importing "api" means api/__init__.
    found = cycles(graph)
    for group in found:
        sys.stdout.write(f"circle: {' ↔ '.join(group)}\n")
    if not found:
        sys.stdout.write(f"no import circle among {len(graph)} modules\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
