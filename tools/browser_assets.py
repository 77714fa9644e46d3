"""Fetch and pin what the live book runs in the reader's browser; `make book` runs this first.

Usage: python tools/browser_assets.py

1. Pyodide from the npm registry, pinned in ``package.json`` with ``package-lock.json``:
   ``npm ci`` into ``node_modules/`` (skipped when the pinned version is already there).
2. The pure-Python wheels in ``browser-requirements.txt``, pinned with hashes:
   ``pip download --require-hashes`` into ``.venv/hakit-live/`` (skipped when present with the
   right hashes), then stripped of what the browser never uses (networkx's tests) into
   ``.venv/hakit-live/stripped/``. No plotly: the panels build figure dicts without it.
3. :func:`ensure_site`: one zip of those wheels in which the modules hakit imports are bytecode
   compiled by Pyodide's own Python under Node (``_ext/live/compile_site.mjs``), so the browser
   does not compile them; cached in ``.venv/hakit-live/site-<key>.zip``.
4. :func:`hakit_zip`: the part of hakit the browser imports (not ``lab`` or ``widgets``), as source.

The Sphinx extension ``_ext/hakit_static.py`` calls :func:`ensure` and copies these under
``_static/hakit/live/``; nothing is fetched from outside the site when the book is read.
Without node/npm this stops with a message saying how to install them.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "browser-requirements.txt"
CACHE = ROOT / ".venv" / "hakit-live"
NODE_MODULES = ROOT / "node_modules"
PYODIDE_DIR = NODE_MODULES / "pyodide"
#: the runtime files loadPyodide reads (no source maps, type definitions or demo consoles)
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
#: what the browser imports: models -> figures -> panels, and the exercises with their grader
HAKIT_PARTS = ("__init__.py", "versions.py", "grading.py", "models", "figures", "panels", "exercises")
PYTHON_VERSION = "3.14"  # Pyodide 314.0.8 runs Python 3.14.2

# Stripped from wheels: never imported by hakit in the browser.
_STRIP = (
    re.compile(r"^networkx/(.+/)?tests/"),
)


class AssetError(RuntimeError):
    """A missing tool or a failed download, with a message that says what to do."""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    sha256: str

    @property
    def filename(self) -> str:
        return f"{re.sub(r'[-_.]+', '_', self.name)}-{self.version}-py3-none-any.whl"


def pins(path: Path = REQUIREMENTS) -> list[Pin]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)\s+--hash=sha256:([0-9a-f]{64})", line)
        if line and not m:
            raise AssetError(f"{path.name}: 无法解析的一行（应为 name==version --hash=sha256:…）：{line}")
        if m:
            out.append(Pin(*m.groups()))
    return out


def pinned_pyodide_version() -> str:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]["pyodide"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def ensure_node() -> None:
    """``npm ci`` when node_modules does not hold the pinned Pyodide."""
    want = pinned_pyodide_version()
    have = PYODIDE_DIR / "package.json"
    if have.exists() and json.loads(have.read_text(encoding="utf-8")).get("version") == want \
            and all((PYODIDE_DIR / f).exists() for f in PYODIDE_FILES):
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise AssetError("实时面板需要 Node.js 与 npm 来安装固定版本的 Pyodide（package.json）。"
                         "Debian/Ubuntu：sudo apt-get install nodejs npm；macOS：brew install node。装好后再运行 make book。")
    print(f"npm ci：安装 pyodide {want}（package-lock.json）…", flush=True)
    proc = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssetError("npm ci 失败：\n" + proc.stdout[-2000:] + proc.stderr[-2000:])


def ensure_wheels() -> list[Path]:
    """The pinned wheels, downloaded with their hashes checked, then stripped; returns the stripped paths."""
    todo = [p for p in pins() if not (CACHE / p.filename).exists() or _sha256(CACHE / p.filename) != p.sha256]
    if todo:
        CACHE.mkdir(parents=True, exist_ok=True)
        print("pip download（--require-hashes）：" + ", ".join(f"{p.name}=={p.version}" for p in todo), flush=True)
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--require-hashes", "--no-deps",
             "--only-binary=:all:", "--python-version", PYTHON_VERSION, "--implementation", "py",
             "--abi", "none", "--platform", "any", "-r", str(REQUIREMENTS), "-d", str(CACHE)],
            capture_output=True, text=True)
        if proc.returncode != 0:
            raise AssetError("pip download 失败（browser-requirements.txt）：\n" + proc.stdout[-2000:] + proc.stderr[-2000:])
    out = []
    for p in pins():
        src = CACHE / p.filename
        if _sha256(src) != p.sha256:
            raise AssetError(f"{src.name} 的 sha256 与 browser-requirements.txt 不符")
        dest = CACHE / "stripped" / p.filename
        stamp = dest.with_suffix(".sha256")
        if not dest.exists() or not stamp.exists() or stamp.read_text() != p.sha256:
            dest.parent.mkdir(parents=True, exist_ok=True)
            strip_wheel(src, dest)
            stamp.write_text(p.sha256)
        out.append(dest)
    return out


def strip_wheel(src: Path, dest: Path) -> None:
    """Copy a wheel without the files matched by ``_STRIP`` (and their RECORD lines)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout:
        for info in zin.infolist():
            if any(r.search(info.filename) for r in _STRIP):
                continue
            data = zin.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                lines = [ln for ln in data.decode().splitlines() if not any(r.search(ln.split(",")[0]) for r in _STRIP)]
                data = ("\n".join(lines) + "\n").encode()
            zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


def hakit_zip() -> tuple[str, bytes]:
    """``(file name with a content hash, zip bytes)`` of :data:`HAKIT_PARTS` (sources only)."""
    pkg = ROOT / "hakit"
    files = []
    for part in HAKIT_PARTS:
        path = pkg / part
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for f in files:
            info = zipfile.ZipInfo(f.relative_to(ROOT).as_posix(), date_time=(2020, 1, 1, 0, 0, 0))
            z.writestr(info, f.read_bytes(), compress_type=zipfile.ZIP_DEFLATED)
    data = buf.getvalue()
    return f"hakit-{hashlib.sha256(data).hexdigest()[:12]}.zip", data


def ensure_site(wheels: list[Path]) -> Path:
    """One zip of the stripped wheels whose imported modules are bytecode compiled by Pyodide itself
    (``_ext/live/compile_site.mjs`` under Node). Cached by the pins, the Pyodide version and the script."""
    script = ROOT / "_ext" / "live" / "compile_site.mjs"
    key = hashlib.sha256("\n".join([pinned_pyodide_version(), script.read_text(encoding="utf-8")]
                                    + [p.sha256 for p in pins()]).encode()).hexdigest()[:12]
    out = CACHE / f"site-{key}.zip"
    if out.exists():
        return out
    for old in CACHE.glob("site-*.zip"):
        old.unlink()
    node = shutil.which("node")
    if node is None:
        raise AssetError("需要 Node.js（Debian/Ubuntu：sudo apt-get install nodejs npm）来预编译浏览器端的 Python 模块。")
    name, data = hakit_zip()
    warm = CACHE / name
    warm.write_bytes(data)
    print("node compile_site.mjs：用 Pyodide 预编译 networkx 等模块…", flush=True)
    tmp = out.with_suffix(".part")
    proc = subprocess.run([node, str(script), str(PYODIDE_DIR), str(tmp), str(warm), *map(str, wheels)],
                          capture_output=True, text=True)
    warm.unlink()
    if proc.returncode != 0 or not tmp.exists():
        raise AssetError("compile_site.mjs 失败：\n" + proc.stdout[-2000:] + proc.stderr[-3000:])
    tmp.rename(out)
    return out


def ensure() -> dict:
    """Everything the live book needs, present and pinned:
    ``{"pyodide": [runtime files], "site": [zip of the wheels, compiled]}``."""
    ensure_node()
    wheels = ensure_wheels()
    return {"pyodide": [PYODIDE_DIR / f for f in PYODIDE_FILES], "site": [ensure_site(wheels)]}


def main() -> int:
    try:
        assets = ensure()
    except AssetError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    total = sum(p.stat().st_size for ps in assets.values() for p in ps)
    print(f"实时面板的浏览器文件已就绪：pyodide {pinned_pyodide_version()}，"
          f"{len(pins())} 个 wheel（{assets['site'][0].name}），共 {total / 2**20:.1f} MiB。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
