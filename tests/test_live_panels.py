"""The live book computes what JupyterLab computes: every panel's figure JSON from Pyodide (under
Node, with the same pinned runtime, wheels and hakit zip the book ships) equals CPython's, for
the panel's defaults and for its largest offered parameters; bad input gives the same Chinese
message; hakit.models and hakit.figures import in Pyodide, where there is no numpy and no plotly
(tests/test_fast.py checks that these dict figures are the figures plotly itself builds)."""
from __future__ import annotations

import json
import math
import subprocess

import pytest

from conftest import ROOT, need_binary


RUNNER = r"""
import fs from "node:fs";
const [pyodideDir, site, hakit, casesFile, outFile] = process.argv.slice(2);
const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
const purelib = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const zip of [site, hakit]) py.unpackArchive(new Uint8Array(fs.readFileSync(zip)), "zip", { extractDir: purelib });
py.globals.set("CASES", fs.readFileSync(casesFile, "utf8"));
const out = py.runPython(`
import importlib, json, pkgutil, sys
from hakit.panels import browser
results = [browser.run(name, json.dumps(values)) for name, values in json.loads(CASES)]
failed_imports = {}
for pkg in ("hakit.models", "hakit.figures"):
    mod = importlib.import_module(pkg)
    for info in pkgutil.iter_modules(mod.__path__):
        try:
            importlib.import_module(f"{pkg}.{info.name}")
        except Exception as exc:
            failed_imports[f"{pkg}.{info.name}"] = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
json.dumps({"results": results, "failed_imports": failed_imports,
            "loaded": sorted({m.split(".")[0] for m in sys.modules})})
`);
fs.writeFileSync(outFile, out);
"""


def _cases() -> list[tuple[str, dict]]:
    from hakit import panels

    cases = []
    for name in panels.names():
        decl = panels.get(name)
        cases.append((name, {}))
        cases.append((name, dict(decl.largest)))
    cases.append(("leaderelection", {"lease_duration": 11}))   # draws the red double-leader note
    cases.append(("rollout", {"max_surge": "0", "max_unavailable": "0"}))
    cases.append(("rollout", {"replicas": "abc"}))
    return cases


@pytest.fixture(scope="module")
def pyodide_results(tmp_path_factory) -> dict:
    node = need_binary("node", "nodejs")
    import browser_assets as BA

    assets = BA.ensure()
    tmp = tmp_path_factory.mktemp("live")
    name, data = BA.hakit_zip()
    (tmp / name).write_bytes(data)
    (tmp / "runner.mjs").write_text(RUNNER, encoding="utf-8")
    (tmp / "cases.json").write_text(json.dumps(_cases(), ensure_ascii=False), encoding="utf-8")
    proc = subprocess.run([node, str(tmp / "runner.mjs"), str(BA.PYODIDE_DIR), str(assets["site"][0]),
                           str(tmp / name), str(tmp / "cases.json"), str(tmp / "out.json")],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads((tmp / "out.json").read_text(encoding="utf-8"))


def _same(a, b, path="$") -> list[str]:
    """Differences between two JSON values; floats equal to 1e-9 relative (libm may differ in the last bit)."""
    if isinstance(a, float) or isinstance(b, float):
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12):
            return []
        return [f"{path}: {a!r} != {b!r}"]
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} != {type(b).__name__}"]
    if isinstance(a, dict):
        if set(a) != set(b):
            return [f"{path}: keys {sorted(set(a) ^ set(b))}"]
        return [d for k in a for d in _same(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: length {len(a)} != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _same(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def test_every_panel_figure_equals_cpython(pyodide_results: dict) -> None:
    from hakit.panels import browser

    problems = []
    for (name, values), got in zip(_cases(), pyodide_results["results"]):
        want = json.loads(browser.run(name, json.dumps(values)))
        diffs = _same(json.loads(got), want)
        if diffs:
            problems.append(f"{name} {values}: " + "; ".join(diffs[:3]))
    assert not problems, "Pyodide 与 CPython 的结果不同：\n" + "\n".join(problems)


def test_bad_input_gives_the_same_chinese_message(pyodide_results: dict) -> None:
    got = [json.loads(r) for r in pyodide_results["results"][-2:]]
    assert "不能与 maxSurge 同时为 0" in got[0]["error"]
    assert got[1]["error"] == "replicas: Invalid value: 'abc': 必须是整数"


def test_models_and_figures_import_without_numpy_or_plotly(pyodide_results: dict) -> None:
    """Every panel ran above with neither loaded. A figure module may need plotly only for a figure
    of the static book that no panel draws (the labs' figures, the notebook renderer): importing it
    in the browser then fails on plotly alone."""
    assert "numpy" not in pyodide_results["loaded"] and "plotly" not in pyodide_results["loaded"]
    failed = pyodide_results["failed_imports"]
    assert not [m for m in failed if m.startswith("hakit.models")], failed
    assert all("No module named 'plotly" in why for why in failed.values()), failed


def test_shipped_hakit_has_no_lab_or_widgets() -> None:
    import io
    import zipfile

    import browser_assets as BA

    _, data = BA.hakit_zip()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "hakit/panels/browser.py" in names and "hakit/grading.py" in names
    assert not [n for n in names if n.startswith(("hakit/lab/", "hakit/widgets/"))]


def test_browser_wheels_are_pinned_with_hashes() -> None:
    import browser_assets as BA

    pins = {p.name: p.version for p in BA.pins()}
    assert pins == {"networkx": "3.6.1"}  # no plotly in the browser (hakit.figures._fast)
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/pyodide"]["version"] == BA.pinned_pyodide_version() == "314.0.8"
    assert lock["packages"]["node_modules/pyodide"]["integrity"].startswith("sha512-")
