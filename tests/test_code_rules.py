"""Library code rules (DEVELOPERS.md, issue 9): no `assert` for checks, no function over 100 lines."""
from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

MAX_LINES = 100


def _modules() -> list[Path]:
    return sorted((ROOT / "hakit").rglob("*.py"))


def long_functions(tree: ast.AST, limit: int = MAX_LINES) -> list[tuple[str, int]]:
    return [(node.name, node.end_lineno - node.lineno + 1) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > limit]


def asserts(tree: ast.AST) -> list[int]:
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert)]


def test_detectors_can_fail() -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_LINES))
    tree = ast.parse(f"def big():\n{body}\n    assert x0 == 0\n")
    assert long_functions(tree) == [("big", MAX_LINES + 2)]
    assert asserts(tree) == [MAX_LINES + 2]


def test_no_assert_and_no_long_function_in_hakit() -> None:
    problems = []
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        rel = path.relative_to(ROOT)
        problems += [f"{rel}:{line}: assert" for line in asserts(tree)]
        problems += [f"{rel}: {name} is {n} lines (max {MAX_LINES})" for name, n in long_functions(tree)]
    assert not problems, "\n".join(problems)
