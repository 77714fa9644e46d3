"""Student versions: no solution left, and each exercise's check cell fails when executed.

Real notebooks: every notebook under book/ and labs/ with solution markers is converted with
tools/make_student.py. Its markers must balance (Kubernetes labs included); its student version
must keep none of the solution lines; and, executed with nbclient (kernel python3,
``allow_errors=True``), the first check cell after each answer cell must fail with
``AssertionError`` (the grader's "尚未作答") or ``NotImplementedError``, never with anything else
(a ``NameError`` would mean the check cell fails for the wrong reason).

To keep CI cheap the student notebook is executed only up to and including its last check cell,
plus any later cell tagged ``teardown`` (labs tag the cell that stops their processes), in one
kernel per notebook. The Kubernetes labs (labs/k8s_*) are not executed: they need a cluster.

The tool itself is proven on small temporary notebooks, so this file means something before
the chapters exist.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("make_student", ROOT / "tools" / "make_student.py")
ms = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("make_student", ms)
_spec.loader.exec_module(ms)

CELL_TIMEOUT = 120
OK_ERRORS = {"AssertionError", "NotImplementedError"}


# ------------------------------------------------------------------ helpers
def _real_notebooks() -> list[Path]:
    dirs = [ROOT / d for d in ms.DEFAULT_DIRS if (ROOT / d).is_dir()]
    return [p for p in ms.find_notebooks(dirs) if ms.has_markers(nbformat.read(p, as_version=4))]


def _is_k8s_lab(path: Path) -> bool:
    rel = path.relative_to(ROOT)
    return rel.parts[0] == "labs" and any(part.startswith("k8s_") for part in rel.parts[1:])


def exercise_pairs(nb) -> list[tuple[int, int | None]]:
    """``(answer cell, first check cell after it)``: the check cell is the next code cell without markers."""
    answers = ms.notebook_regions(nb)
    pairs = []
    for a in sorted(answers):
        check = next((j for j in range(a + 1, len(nb.cells))
                      if nb.cells[j].cell_type == "code" and j not in answers), None)
        pairs.append((a, check))
    return pairs


def truncated(nb, last: int):
    """Cells up to ``last`` plus later cells tagged ``teardown``; the others become markdown stubs
    so that cell indices stay the same."""
    cut = nbformat.from_dict(nb)
    for j in range(last + 1, len(cut.cells)):
        cell = cut.cells[j]
        if cell.cell_type == "code" and "teardown" not in cell.metadata.get("tags", []):
            cut.cells[j] = new_markdown_cell("(skipped)")
    return cut


def execute(nb, cwd: Path):
    from nbclient import NotebookClient

    env_path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = env_path  # the kernel inherits it and can import hakit
    try:
        client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(cwd)}})
        client.execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    return nb


def error_of(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return None


def solution_lines(nb) -> set[str]:
    """Solution lines worth searching for: stripped, at least 6 characters, not also outside a region."""
    inside, outside = set(), set()
    regions = ms.notebook_regions(nb)
    for idx, cell in enumerate(nb.cells):
        lines = cell.source.splitlines()
        spans = [(r.begin, r.end) for r in regions.get(idx, [])]
        for n, line in enumerate(lines):
            bucket = inside if any(b < n < e for b, e in spans) else outside
            bucket.add(line.strip())
    return {l for l in inside - outside if len(l) >= 6}


def assert_no_solution_left(original, student):
    text = "\n".join(c.source for c in student.cells)
    assert ms.BEGIN not in text and ms.END not in text
    for line in solution_lines(original):
        assert line not in text, f"solution text left in the student version: {line!r}"
    for cell in student.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def assert_check_cells_fail(original, executed):
    for a, c in exercise_pairs(original):
        assert c is not None, f"answer cell {a} has no check cell after it"
        err = error_of(executed.cells[a])
        # a top-level region raises in the answer cell; a region inside a function body raises
        # only when the check cell calls the function
        assert err is None or err[0] == "NotImplementedError", f"answer cell {a} failed for the wrong reason: {err}"
        err = error_of(executed.cells[c])
        assert err is not None, f"check cell {c} (after answer cell {a}) passed on the student version"
        assert err[0] in OK_ERRORS, f"check cell {c} failed for the wrong reason: {err}"


# ------------------------------------------------------------------ real notebooks
REAL = _real_notebooks()
REAL_IDS = [str(p.relative_to(ROOT)) for p in REAL]


@pytest.mark.parametrize("path", REAL, ids=REAL_IDS)
def test_markers_balance_and_no_solution_left(path):
    nb = nbformat.read(path, as_version=4)
    student = ms.student_notebook(nb, str(path.relative_to(ROOT)))  # raises MarkerError if unbalanced
    assert_no_solution_left(nb, student)
    assert all(c is not None for _, c in exercise_pairs(nb)), "every answer cell needs a check cell"


EXECUTABLE = [p for p in REAL if not _is_k8s_lab(p)]


@pytest.mark.timeout(900)
@pytest.mark.parametrize("path", EXECUTABLE, ids=[str(p.relative_to(ROOT)) for p in EXECUTABLE])
def test_student_check_cells_fail(path):
    nb = nbformat.read(path, as_version=4)
    student = ms.student_notebook(nb, str(path.relative_to(ROOT)))
    last = max(c for _, c in exercise_pairs(nb))
    executed = execute(truncated(student, last), cwd=path.parent)
    first_answer = min(a for a, _ in exercise_pairs(nb))
    for j in range(first_answer):
        err = error_of(executed.cells[j])
        if err and "Missing" in err[0]:
            pytest.skip(f"{path.name}: the lab's preflight says a program is missing: {err[1]}")
        assert err is None, f"cell {j} before the first exercise failed, the lab setup is broken: {err}"
    assert_check_cells_fail(nb, executed)


def test_all_course_notebooks_pass_the_marker_check():
    """Any notebook under book/ and labs/ (k8s labs included) passes ``make_student --check``."""
    dirs = [ROOT / d for d in ms.DEFAULT_DIRS if (ROOT / d).is_dir()]
    ms.build(dirs, ROOT / "_build" / "student-check", ROOT, check_only=True)


# ------------------------------------------------------------------ the tool on small notebooks
ANSWER = """\
# 在下面写出答案
### BEGIN SOLUTION
downtime_min = (1 - 0.9995) * 365 * 24 * 60
surge, unavailable = 3, 2
### END SOLUTION
print("done")
"""
CHECK = 'from hakit.grading import check\ncheck("n1.downtime_9995", downtime_min)'
FUNC_ANSWER = """\
def series_availability(a, b):
    ### BEGIN SOLUTION
    return a * b
    ### END SOLUTION
"""
FUNC_CHECK = 'from hakit.grading import check\ncheck("n1.series_two_999", series_availability(0.999, 0.999))'
DEF_ANSWER = """\
### BEGIN SOLUTION
def majority_of(n):
    return n // 2 + 1
### END SOLUTION
"""
DEF_CHECK = 'from hakit.grading import check\ncheck("n2.majority_5", majority_of(5))'


def _demo_notebook():
    nb = new_notebook(cells=[
        new_markdown_cell("# 练习"),
        new_code_cell("x = 1"),
        new_code_cell(ANSWER), new_code_cell(CHECK),
        new_code_cell(FUNC_ANSWER), new_code_cell(FUNC_CHECK),
        new_code_cell(DEF_ANSWER), new_code_cell(DEF_CHECK),
        new_code_cell("print('after the last check')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="stale\n")]
    nb.cells[1].execution_count = 7
    return nb


def test_student_source_keeps_indentation_and_placeholders():
    src = ms.student_source(ANSWER)
    assert src.splitlines() == [
        "# 在下面写出答案",
        "# 请在此作答：写出下面的答案，并删除最后的 raise 一行",
        "downtime_min = None",
        "surge = None",
        "unavailable = None",
        'raise NotImplementedError("请在此作答")',
        'print("done")',
    ]
    assert ms.student_source(FUNC_ANSWER).splitlines() == [
        "def series_availability(a, b):",
        '    raise NotImplementedError("请在此作答")',
    ]
    stub = ms.student_source(DEF_ANSWER)
    assert "n // 2" not in stub and "def majority_of(*args, **kwargs):" in stub
    compile(stub, "<stub>", "exec")
    assert ms.student_source("y = 2\n") == "y = 2\n"


@pytest.mark.parametrize("source,match", [
    ("### BEGIN SOLUTION\nx = 1\n", "没有对应的"),
    ("x = 1\n### END SOLUTION\n", "前面没有对应的"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\nx=1\n### END SOLUTION\n", "嵌套"),
    ("def f():\n    ### BEGIN SOLUTION\n    return 1\n### END SOLUTION\n", "缩进"),
    ("# BEGIN SOLUTION\nx = 1\n# END SOLUTION\n", "格式不对"),
], ids=["unclosed", "end-without-begin", "nested", "indent-mismatch", "malformed"])
def test_unbalanced_markers_are_refused(source, match):
    with pytest.raises(ms.MarkerError, match=match):
        ms.find_regions(source)


def test_markers_split_across_cells_are_refused(tmp_path):
    nb = new_notebook(cells=[new_code_cell("### BEGIN SOLUTION\nx = 1"), new_code_cell("### END SOLUTION")])
    good = _demo_notebook()
    (tmp_path / "book").mkdir()
    nbformat.write(nb, tmp_path / "book" / "bad.ipynb")
    nbformat.write(good, tmp_path / "book" / "good.ipynb")
    out = tmp_path / "out"
    rc = subprocess.run([sys.executable, str(ROOT / "tools" / "make_student.py"), "--root", str(tmp_path),
                         "--out", str(out)], capture_output=True, text=True)
    assert rc.returncode == 1
    assert "bad.ipynb" in rc.stderr and "第 0 个单元格" in rc.stderr and "第 1 个单元格" in rc.stderr
    assert not out.exists(), "nothing is written when any notebook is refused"


def test_cli_mirrors_paths_strips_outputs_and_skips_plain_notebooks(tmp_path):
    (tmp_path / "book" / "n1").mkdir(parents=True)
    (tmp_path / "labs").mkdir()
    nbformat.write(_demo_notebook(), tmp_path / "book" / "n1" / "ex.ipynb")
    nbformat.write(new_notebook(cells=[new_code_cell("1 + 1")]), tmp_path / "labs" / "plain.ipynb")
    ck = tmp_path / "book" / ".ipynb_checkpoints"
    ck.mkdir()
    nbformat.write(_demo_notebook(), ck / "ex-checkpoint.ipynb")
    out = tmp_path / "student"
    rc = ms.main(["--root", str(tmp_path), "--out", str(out)])
    assert rc == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ipynb"))
    assert written == ["book/n1/ex.ipynb"]
    original = nbformat.read(tmp_path / "book" / "n1" / "ex.ipynb", as_version=4)
    student = nbformat.read(out / "book" / "n1" / "ex.ipynb", as_version=4)
    nbformat.validate(student)
    assert_no_solution_left(original, student)
    assert original.cells[1].outputs, "the source notebook is not modified"
    assert [c.cell_type for c in student.cells] == [c.cell_type for c in original.cells]
    # explicit paths and --check
    assert ms.main(["--root", str(tmp_path), "--out", str(out), "--check", str(tmp_path / "book")]) == 0
    assert ms.main(["--root", str(tmp_path), "--out", str(out), str(tmp_path / "missing")]) == 2


def test_refuses_to_overwrite_the_source(tmp_path):
    (tmp_path / "book").mkdir()
    nbformat.write(_demo_notebook(), tmp_path / "book" / "ex.ipynb")
    assert ms.main(["--root", str(tmp_path), "--out", str(tmp_path)]) == 1


def test_solution_lines_are_detected_by_the_leak_check():
    nb = _demo_notebook()
    leaked = ms.student_notebook(nb)
    leaked.cells[2].source += "\ndowntime_min = (1 - 0.9995) * 365 * 24 * 60"
    with pytest.raises(AssertionError, match="solution text left"):
        assert_no_solution_left(nb, leaked)


@pytest.mark.timeout(300)
def test_executed_student_version_fails_every_check_cell_and_solution_passes(tmp_path):
    nb = _demo_notebook()
    pairs = exercise_pairs(nb)
    assert pairs == [(2, 3), (4, 5), (6, 7)]
    student = ms.student_notebook(nb)
    executed = execute(truncated(student, max(c for _, c in pairs)), cwd=tmp_path)
    assert_check_cells_fail(nb, executed)
    assert "尚未作答" in error_of(executed.cells[3])[1]
    assert error_of(executed.cells[5])[0] == "NotImplementedError"
    assert executed.cells[8].cell_type == "markdown", "cells after the last check cell are not run"
    # the instructor's version passes the same check cells (the harness can tell the difference)
    solved = execute(truncated(ms.strip_outputs(nbformat.from_dict(nb)), 7), cwd=tmp_path)
    for _, c in pairs:
        assert error_of(solved.cells[c]) is None
        assert "✔ 正确" in "".join(o.get("text", "") for o in solved.cells[c].outputs)
