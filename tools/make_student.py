#!/usr/bin/env python
"""Write student versions of the course notebooks: solutions removed, outputs stripped.

Usage::

    .venv/bin/python tools/make_student.py [--out DIR] [--root DIR] [--check] [paths...]

``paths`` are notebooks or folders (default: ``book/`` and ``labs/`` under the repository
root). Every notebook whose code cells hold solution markers is written to ``--out``
(default ``_build/student/``), mirroring its path relative to ``--root`` (default: the
repository root). Notebooks without markers are skipped. ``--check`` only verifies the markers
and writes nothing.

In an answer (code) cell, the lines from ``### BEGIN SOLUTION`` to ``### END SOLUTION``
(both marker lines included) are replaced, keeping the BEGIN line's indentation:

* at top level (no indentation): one ``name = None`` line for every variable the solution
  assigns, a stub ``def f(*args, **kwargs): raise NotImplementedError(...)`` for every function
  it defines, then ``raise NotImplementedError("请在此作答")``. Run top to bottom, the answer cell
  fails with ``NotImplementedError``; the check cell then receives ``None`` and fails with
  ``尚未作答`` (or, calling a stub, with ``NotImplementedError``) instead of a ``NameError``.
* indented (inside a function body): only ``raise NotImplementedError("请在此作答")``, so the
  check cell that calls the function fails with ``NotImplementedError``.

Markers must stand alone on their line, in pairs, in the same cell, with the same indentation,
not nested. Any unbalanced or malformed marker in any notebook makes the tool refuse (exit
status 1, one Chinese message per problem) and write nothing. Markdown cells are not scanned.

Exit status: 0 done, 1 marker errors (nothing written), 2 bad usage.
"""
from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = Path("_build") / "student"
DEFAULT_DIRS = ("book", "labs")
BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
RAISE_LINE = 'raise NotImplementedError("请在此作答")'
_BEGIN_RE = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
_END_RE = re.compile(r"^(?P<indent>[ \t]*)### END SOLUTION[ \t]*$")
_ANY_MARKER_RE = re.compile(r"^\s*#+\s*(BEGIN|END)[ \t_]*SOLUTION\b", re.IGNORECASE)
# Cell metadata that records a run, dropped together with the outputs.
_RUN_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")
_SKIP_DIRS = {".ipynb_checkpoints", "_build", ".venv", "__pycache__", ".git", ".jupyter_cache"}

__all__ = [
    "MarkerError",
    "Region",
    "find_regions",
    "notebook_regions",
    "has_markers",
    "answer_names",
    "student_source",
    "student_notebook",
    "strip_outputs",
    "find_notebooks",
    "build",
    "main",
]


class MarkerError(ValueError):
    """Unbalanced or malformed solution markers; the message (Chinese) lists every problem."""


@dataclass(frozen=True)
class Region:
    """One solution region of a cell: ``begin``/``end`` are 0-based line numbers of the markers."""

    begin: int
    end: int
    indent: str


def find_regions(source: str, where: str = "") -> list[Region]:
    """The solution regions of one code cell's source; raise :class:`MarkerError` if unbalanced."""
    prefix = f"{where}：" if where else ""
    problems: list[str] = []
    regions: list[Region] = []
    open_at: int | None = None
    open_indent = ""
    for i, line in enumerate(source.splitlines()):
        b, e = _BEGIN_RE.match(line), _END_RE.match(line)
        if b:
            if open_at is not None:
                problems.append(f"{prefix}第 {i + 1} 行又出现了 {BEGIN!r}，而第 {open_at + 1} 行的 BEGIN 还没有对应的 END（不允许嵌套）")
                continue
            open_at, open_indent = i, b.group("indent")
        elif e:
            if open_at is None:
                problems.append(f"{prefix}第 {i + 1} 行的 {END!r} 前面没有对应的 {BEGIN!r}")
                continue
            if e.group("indent") != open_indent:
                problems.append(f"{prefix}第 {i + 1} 行的 END 与第 {open_at + 1} 行的 BEGIN 缩进不同，应对齐")
            regions.append(Region(open_at, i, open_indent))
            open_at = None
        elif _ANY_MARKER_RE.match(line):
            problems.append(f"{prefix}第 {i + 1} 行 {line.strip()!r} 像是答案标记但格式不对：应独占一行，写成 {BEGIN!r} 或 {END!r}")
    if open_at is not None:
        problems.append(f"{prefix}第 {open_at + 1} 行的 {BEGIN!r} 在单元格结束前没有对应的 {END!r}（标记必须在同一个单元格内成对出现）")
    if problems:
        raise MarkerError("\n".join(problems))
    return regions


def notebook_regions(nb: nbformat.NotebookNode, name: str = "notebook") -> dict[int, list[Region]]:
    """``{cell index: regions}`` for every code cell with markers; all problems in one MarkerError."""
    out: dict[int, list[Region]] = {}
    problems: list[str] = []
    for idx, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            regions = find_regions(cell.source, f"{name} 第 {idx} 个单元格")
        except MarkerError as exc:
            problems.append(str(exc))
            continue
        if regions:
            out[idx] = regions
    if problems:
        raise MarkerError("\n".join(problems))
    return out


def has_markers(nb: nbformat.NotebookNode) -> bool:
    """True if any code cell holds a (well-formed) solution marker line."""
    return any(
        cell.cell_type == "code"
        and any(_BEGIN_RE.match(l) or _END_RE.match(l) for l in cell.source.splitlines())
        for cell in nb.cells
    )


def answer_names(code: str) -> tuple[list[str], list[str]]:
    """``(variables, functions)`` bound at top level by ``code``; ``([], [])`` if it does not parse."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return [], []
    variables: list[str] = []
    functions: list[str] = []

    def targets(node: ast.AST) -> None:
        if isinstance(node, ast.Name):
            if node.id not in variables:
                variables.append(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                targets(elt)
        elif isinstance(node, ast.Starred):
            targets(node.value)

    for stmt in tree.body:
        if isinstance(stmt, ast.Assign):
            for t in stmt.targets:
                targets(t)
        elif isinstance(stmt, (ast.AnnAssign, ast.AugAssign)):
            targets(stmt.target)
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if stmt.name not in functions:
                functions.append(stmt.name)
    variables = [v for v in variables if v not in functions]
    return variables, functions


def _replacement(region_lines: list[str], indent: str) -> list[str]:
    if indent:
        return [indent + RAISE_LINE]
    variables, functions = answer_names("\n".join(region_lines))
    lines: list[str] = []
    if variables or functions:
        lines.append("# 请在此作答：写出下面的答案，并删除最后的 raise 一行")
    lines += [f"{name} = None" for name in variables]
    for name in functions:
        lines += [f"def {name}(*args, **kwargs):", "    " + RAISE_LINE]
    lines.append(RAISE_LINE)
    return lines


def student_source(source: str, where: str = "") -> str:
    """The cell source with every solution region replaced (see the module docstring)."""
    regions = find_regions(source, where)
    if not regions:
        return source
    lines = source.splitlines()
    out: list[str] = []
    pos = 0
    for r in regions:
        out += lines[pos:r.begin]
        out += _replacement(lines[r.begin + 1:r.end], r.indent)
        pos = r.end + 1
    out += lines[pos:]
    text = "\n".join(out)
    return text + "\n" if source.endswith("\n") else text


def strip_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Clear outputs, execution counts and run metadata in place; return ``nb``."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in _RUN_METADATA:
            cell.metadata.pop(key, None)
    nb.metadata.pop("widgets", None)
    return nb


def student_notebook(nb: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """A stripped copy of ``nb`` with every solution region replaced; MarkerError if unbalanced."""
    regions = notebook_regions(nb, name)
    new = copy.deepcopy(nb)
    for idx in regions:
        new.cells[idx].source = student_source(new.cells[idx].source, f"{name} 第 {idx} 个单元格")
    return strip_outputs(new)


def find_notebooks(paths: list[Path]) -> list[Path]:
    """Notebooks named by ``paths`` (files, or folders searched recursively), sorted, unique."""
    found: set[Path] = set()
    for p in paths:
        if p.is_dir():
            for nb in p.rglob("*.ipynb"):
                if not any(part in _SKIP_DIRS or part.startswith(".") for part in nb.relative_to(p).parts[:-1]):
                    found.add(nb.resolve())
        elif p.suffix == ".ipynb" and p.is_file():
            found.add(p.resolve())
        elif not p.exists():
            raise FileNotFoundError(f"找不到 {p}")
        else:
            raise ValueError(f"{p} 不是 .ipynb 笔记本或文件夹")
    return sorted(found)


def _target(src: Path, out: Path, root: Path) -> Path:
    try:
        rel = src.resolve().relative_to(root.resolve())
    except ValueError:
        rel = Path(src.name)
    return out / rel


def build(paths: list[Path], out: Path, root: Path = ROOT, check_only: bool = False) -> list[tuple[Path, Path]]:
    """Convert every notebook with markers under ``paths``; return ``[(source, written)]``.

    All notebooks are checked before anything is written: any marker problem raises
    :class:`MarkerError` naming every bad notebook, cell and line.
    """
    notebooks = find_notebooks(paths)
    jobs: list[tuple[Path, Path, nbformat.NotebookNode]] = []
    problems: list[str] = []
    for src in notebooks:
        nb = nbformat.read(src, as_version=4)
        name = str(_target(src, Path("."), root))
        try:
            regions = notebook_regions(nb, name)
        except MarkerError as exc:
            problems.append(str(exc))
            continue
        if not regions:
            continue
        dst = _target(src, out, root)
        if dst.resolve() == src.resolve():
            problems.append(f"{name}：输出路径与源笔记本相同，拒绝覆盖（请换一个 --out 目录）")
            continue
        jobs.append((src, dst, student_notebook(nb, name)))
    if problems:
        raise MarkerError("答案标记有问题，未写出任何文件：\n" + "\n".join(problems))
    written: list[tuple[Path, Path]] = []
    for src, dst, student in jobs:
        if not check_only:
            dst.parent.mkdir(parents=True, exist_ok=True)
            nbformat.validate(student)
            nbformat.write(student, dst)
        written.append((src, dst))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="make_student.py",
        description="写出学生版笔记本：答案区替换为 raise NotImplementedError，并清除输出。",
    )
    parser.add_argument("paths", nargs="*", type=Path,
                        help="笔记本或文件夹（默认：仓库下的 book/ 与 labs/）")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"输出目录（默认：仓库下的 {DEFAULT_OUT}）")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="输出时镜像的相对路径以此为根（默认：仓库根目录）")
    parser.add_argument("--check", action="store_true", help="只检查答案标记，不写文件")
    args = parser.parse_args(argv)
    root: Path = args.root
    paths = args.paths or [root / d for d in DEFAULT_DIRS if (root / d).is_dir()]
    out = args.out if args.out is not None else root / DEFAULT_OUT
    try:
        done = build(paths, out, root, check_only=args.check)
    except MarkerError as exc:
        print(f"make_student: {exc}", file=sys.stderr)
        return 1
    except (FileNotFoundError, ValueError) as exc:
        print(f"make_student: {exc}", file=sys.stderr)
        return 2
    verb = "检查通过" if args.check else "已写出"
    for src, dst in done:
        print(f"{verb}: {src} -> {dst}" if not args.check else f"{verb}: {src}")
    print(f"make_student: {len(done)} 个含答案标记的笔记本{verb}。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
