"""Total run time of each real-service lab notebook, executed as nbval executes it.

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' -s -k lab_notebook
Goal (issue): each lab notebook <= 90 s. Needs etcd-server, redis-server and haproxy; prints the time.
"""
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NEEDS = {"etcd_lab.ipynb": ["etcd"], "redis_sentinel_lab.ipynb": ["redis-server", "haproxy"]}


@pytest.mark.parametrize("name", list(NEEDS))
def test_lab_notebook_run_time(name):
    missing = [b for b in NEEDS[name] if shutil.which(b) is None]
    if missing:
        pytest.skip(f"缺少 {', '.join(missing)}")
    nb = nbformat.read(ROOT / "labs" / name, as_version=4)
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "labs")}}).execute()
    elapsed = time.perf_counter() - t0
    print(f"\n[lab notebook] {name}: {elapsed:.1f} s（目标 ≤ 90 s）")
