"""`make bench`: measured figures for the book build, page weights, models, widgets and labs.

Prints (all measured on this machine, in this run):
1. clean build time (``_build`` removed, so every notebook executes) and cached rebuild time
   (nothing changed: the jupyter-cache and Sphinx environment are reused);
2. each built page's weight: its HTML, which carries its figures' data, plus the shared assets
   (plotly.min.js, MathJax) counted once;
3. the pytest-benchmark suites in ``benchmarks/`` (model and widget callbacks, lab measurements),
   with ``bench_live_book.py``: the live panels in headless Chromium (click -> ready, recompute +
   redraw p95, download sizes) and each panel's Python time in Pyodide.

Options: ``--skip-build`` to reuse an existing build; ``--only-build`` to skip the benchmarks.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import build_book  # noqa: E402


def timed_build(clean: bool) -> float:
    t0 = time.perf_counter()
    proc = build_book.build(ROOT, clean=clean, quiet=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit("构建失败：\n" + proc.stdout[-3000:] + proc.stderr[-3000:])
    return elapsed


def kib(n: int) -> str:
    return f"{n / 1024:8.1f} KiB"


def page_weights(html: Path) -> None:
    print("\n== 每页大小（HTML 含图数据；共享资源只计一次） ==")
    total = 0
    for page in sorted((html / "book").rglob("*.html")):
        size = page.stat().st_size
        figures = page.read_text(encoding="utf-8").count('class="plotly-graph-div"')
        total += size
        print(f"{kib(size)}  {figures:2d} 图  {page.relative_to(html)}")
    shared = {
        "plotly.min.js": (html / "_static/hakit/plotly.min.js").stat().st_size,
        "MathJax (tex-chtml + fonts)": sum(p.stat().st_size for p in (html / "_static/hakit/mathjax").rglob("*") if p.is_file()),
        # loaded only when a reader presses 在浏览器中运行 (benchmarks/bench_live_book.py measures it)
        "实时面板 (Pyodide + wheels + hakit)": sum(p.stat().st_size for p in (html / "_static/hakit/live").rglob("*") if p.is_file()),
    }
    for name, size in shared.items():
        print(f"{kib(size)}  共享 {name}")
    print(f"{kib(total)}  全部章节页合计（不含共享资源）")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--only-build", action="store_true")
    args = ap.parse_args()
    if not args.skip_build:
        clean = timed_build(clean=True)
        cached = timed_build(clean=False)
        print("== 构建用时 ==")
        print(f"干净构建（执行全部笔记本）：{clean:6.1f} s   目标 ≤ 90 s")
        print(f"缓存重建（无改动）      ：{cached:6.1f} s   目标 ≤ 15 s")
    page_weights(ROOT / "_build" / "html")
    if args.only_build:
        return 0
    print("\n== 模型、面板与实验基准（pytest-benchmark） ==", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", "benchmarks", "-q", "-s", "-p", "no:cacheprovider",
                            "-o", "python_files=bench_*.py", "-o", "python_functions=bench_* test_*",
                            "--benchmark-enable", "--benchmark-columns=min,median,max,mean,ops",
                            "--benchmark-sort=name"], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
