"""Build the HTML book exactly as `make book`, CI and the tests do.

Usage: python tools/build_book.py [--root DIR] [--clean]

Runs ``jupyter-book build ROOT -W -n --keep-going`` (warnings are errors, so a dropped output fails
the build) with ``HAKIT_BOOK_BUILD=1`` in the notebook kernels' environment. Exit status is the
build's; on success it prints the page to open.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["-W", "-n", "--keep-going", "--builder", "html"]


def library_digest(root: Path) -> str:
    """Hash of the code the notebooks' outputs depend on (hakit/) besides the notebooks themselves."""
    h = hashlib.sha256()
    for p in sorted((root / "hakit").rglob("*.py")):
        h.update(str(p.relative_to(root)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def drop_stale_cache(root: Path) -> None:
    """Sphinx and the execution cache look at the notebooks only; when hakit/ changed since the last
    build, their outputs (figures, tables) are stale, so the build starts clean and every notebook
    re-runs."""
    stamp = root / "_build" / ".hakit-digest"
    digest = library_digest(root)
    if stamp.exists() and stamp.read_text() != digest:
        print("hakit/ 已改动：清除上次的构建与执行缓存，重新运行所有 notebook", file=sys.stderr)
        shutil.rmtree(root / "_build", ignore_errors=True)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(digest)


def build(root: Path = ROOT, clean: bool = False, quiet: bool = False) -> subprocess.CompletedProcess:
    """Build the book under ``root``; return the completed jupyter-book process (output captured)."""
    if clean:
        shutil.rmtree(root / "_build", ignore_errors=True)
    drop_stale_cache(root)
    jb = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, HAKIT_BOOK_BUILD="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    # Sphinx resolves the jieba dictionary path against the working directory: run from the root.
    return subprocess.run([str(jb), "build", str(root), *FLAGS], cwd=root, env=env,
                          capture_output=quiet, text=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=ROOT)
    ap.add_argument("--clean", action="store_true", help="remove _build first (and its execution cache)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    proc = build(args.root.resolve(), clean=args.clean)
    if proc.returncode != 0:
        print(f"构建失败（退出码 {proc.returncode}）：见上方的警告/错误。", file=sys.stderr)
        return proc.returncode
    index = args.root.resolve() / "_build" / "html" / "index.html"
    print(f"\n构建完成，用时 {time.perf_counter() - t0:.1f} s。用浏览器打开：\n  file://{index}\n"
          f"或运行 `make serve` 后访问 http://127.0.0.1:8000/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
