"""The dependency direction tui -> annotations -> corpus, and only tui imports Textual."""

import ast
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    out = subprocess.run([str(lint)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 broken" in out.stdout
    assert "No corpus module imports one that imports it KEPT" in out.stdout


def imported_modules(package: str) -> set[str]:
    names = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_no_textual_or_tui_below_the_app():
    for package in ("corpus", "annotations"):
        assert not {"textual", "tui"} & imported_modules(package), package
    assert "annotations" not in imported_modules("corpus")


def corpus_imports() -> dict[str, set[str]]:
    """For each module of ``corpus``, the ``corpus`` modules it imports,
    anywhere in it (inside functions too)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "corpus").glob("*.py"):
        found = graph.setdefault(path.stem, set())
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                       else [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
                       else [])
            found.update(m.split(".")[1] for m in modules if m.startswith("corpus."))
    return graph


def test_the_corpus_path_runs_one_way():
    """No module of corpus imports, directly or through others, one that
    imports it: formats read rows, the builder makes articles, the loaders
    use both."""
    graph = corpus_imports()

    def reaches(start: str) -> set[str]:
        seen, todo = set(), list(graph.get(start, ()))
        while todo:
            module = todo.pop()
            if module not in seen:
                seen.add(module)
                todo.extend(graph.get(module, ()))
        return seen

    cycles = sorted(m for m in graph if m in reaches(m))
    assert cycles == [], f"corpus modules in an import cycle: {cycles}"
    assert {"formats", "builder", "model"} <= reaches("importers")
    assert not {"importers", "ingest", "articles"} & (reaches("builder") | reaches("formats") | reaches("model"))
