"""The live book in headless Chromium on localhost (`make bench` runs it after building the book).

Prints, for every declared panel on the first page that shows it (a fresh browser context, so a
cold cache):
* click on 在浏览器中运行 -> status ``ready`` (Pyodide + hakit loaded, first figure drawn); goal ≤ 6 s;
* recompute + redraw at the panel's largest offered parameters (``Panel.largest``): Python
  computes the figure, ``Plotly.react`` draws it (fresh arrays from JSON, so every trace is
  redrawn), 40 rounds: median and p95, and the Python share; goal p95 ≤ 100 ms;
and for the first live panel: the bytes it downloads (as served here, and gzipped as a gzip-serving
web server would send them; goal ≤ 15 MB gzipped), then a second page in the same context: the
bytes it downloads anew (goal ≈ 0) and its click -> ready. Each panel runs in a fresh browser profile
(``launch_persistent_context``: a disk cache like a reader's browser; an incognito context's memory
cache drops entries of several MB). The machine's load average is printed with the figures.

Timings are printed, never asserted. ``HAKIT_LIVE_HTML`` points at another built HTML tree.
"""
from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import re
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("HAKIT_LIVE_HTML", ROOT / "_build" / "html"))
ROUNDS = 40  # p95 by nearest rank: the 38th of 40
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        # no routing (Playwright's routing disables the HTTP cache): resolve nothing but 127.0.0.1
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def _serve(root: Path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


def _pages_by_panel(html: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for page in sorted((html / "book").rglob("*.html")):
        for name in re.findall(r'data-hakit-panel="([^"]+)"', page.read_text(encoding="utf-8")):
            out.setdefault(name, page.relative_to(html).as_posix())
    return out


class _Traffic:
    """Bytes received over the network per URL (CDP ``encodedDataLength``: 0 when from cache)."""

    def __init__(self, context, page) -> None:
        self.urls: dict[str, str] = {}
        self.bytes: dict[str, int] = {}
        cdp = context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", lambda e: self.urls.__setitem__(e["requestId"], e["request"]["url"]))
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")
        self.cdp = cdp

    def _finished(self, e: dict) -> None:
        url = self.urls.get(e["requestId"], e["requestId"])
        self.bytes[url] = self.bytes.get(url, 0) + int(e["encodedDataLength"])  # a URL may be fetched twice

    def since(self, mark: set[str]) -> dict[str, int]:
        return {u: n for u, n in self.bytes.items() if u not in mark}


def _start(page, panel: str) -> float:
    root = page.locator(f'[data-hakit-panel="{panel}"]').first
    root.scroll_into_view_if_needed()
    t0 = time.perf_counter()
    root.locator("[data-hakit-start]").click()
    root.locator('xpath=.//*[@data-hakit-status="ready" or @data-hakit-status="error"]').wait_for(timeout=120_000)
    elapsed = time.perf_counter() - t0
    state = root.locator("[data-hakit-status]").get_attribute("data-hakit-status")
    if state != "ready":
        raise RuntimeError(f"{panel}: {root.locator('[data-hakit-status]').inner_text()}")
    return elapsed


def _recompute(page, panel: str, values: dict) -> tuple[list[float], list[float]]:
    return page.evaluate("""async ([name, values, rounds]) => {
        const root = document.querySelector(`[data-hakit-panel="${name}"]`);
        const form = root.querySelector("form");
        for (const [k, v] of Object.entries(values)) {
          const el = form.elements[k];
          if (el.type === "checkbox") el.checked = !!v; else el.value = String(v);
        }
        const total = [], python = [];
        for (let i = 0; i < rounds; i++) {
          total.push(await window.hakitLive.panels[name].recompute());
          python.push(window.hakitLive.timings[window.hakitLive.timings.length - 1].python_ms);
        }
        const state = root.querySelector("[data-hakit-status]");
        if (state.getAttribute("data-hakit-status") !== "ready") throw new Error(state.textContent);
        return [total, python];
    }""", [panel, values, ROUNDS])


def _p(data: list[float], q: float) -> float:
    s = sorted(data)
    return s[max(1, -(-len(s) * q // 100)) - 1]


def _gz(html: Path, base: str, urls: dict[str, int]) -> int:
    total = 0
    for url in urls:
        path = html / urlparse(url).path.lstrip("/")
        if url.startswith(base) and path.is_file():
            total += len(gzip.compress(path.read_bytes(), 6))
    return total


def _mb(n: float) -> str:
    return f"{n / 1e6:6.2f} MB"


def test_live_book() -> None:
    if not (HTML / "_static" / "hakit" / "live" / "live.js").exists():
        pytest.skip(f"{HTML} 中没有实时面板的文件：先运行 make book")
    from playwright.sync_api import sync_playwright

    from hakit import panels

    pages = _pages_by_panel(HTML)
    only = [x for x in os.environ.get("HAKIT_LIVE_PANELS", "").split(",") if x]  # e.g. rollout,raft
    if only:
        pages = {k: v for k, v in pages.items() if k in only}
    srv, base = _serve(HTML)
    print("\n== 实时面板（Pyodide，headless Chromium，localhost，冷缓存） ==")
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profiles:
            print("负载（1/5/15 分钟平均）：" + " ".join(f"{x:.1f}" for x in os.getloadavg()))
            first = True
            for name, rel in sorted(pages.items(), key=lambda kv: kv[1]):
                ctx = pw.chromium.launch_persistent_context(
                    f"{profiles}/{name}", executable_path="/usr/bin/chromium", headless=True, args=ARGS,
                    viewport={"width": 1400, "height": 1000})
                page = ctx.new_page()
                traffic = _Traffic(ctx, page)
                page.goto(f"{base}/{rel}", wait_until="load")
                before = set(traffic.bytes)
                try:
                    ready = _start(page, name)
                    total, python = _recompute(page, name, panels.get(name).largest)
                except Exception as exc:
                    print(f"{name:15s} {rel}: 失败：{str(exc)[:200]}")
                    ctx.close()
                    continue
                print(f"{name:15s} 点击→就绪 {ready:5.2f} s（目标 ≤ 6 s）；最大参数下重算+重绘 "
                      f"中位数 {_p(total, 50):6.1f} ms，p95 {_p(total, 95):6.1f} ms（目标 ≤ 100 ms），"
                      f"其中 Python p95 {_p(python, 95):6.1f} ms   {rel}")
                if first:
                    _downloads(ctx, traffic, before, base, pages, rel)
                    first = False
                ctx.close()
            print("负载（1/5/15 分钟平均）：" + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    finally:
        srv.shutdown()
        srv.server_close()


def _downloads(ctx, traffic: _Traffic, before: set[str], base: str, pages: dict, rel: str) -> None:
    got = traffic.since(before)
    wire = sum(got.values())
    print(f"   第一个实时面板下载：{_mb(wire)}（本地 http.server 原样发送），gzip 后 {_mb(_gz(HTML, base, got))}"
          f"（目标 ≤ 15 MB），{len(got)} 个请求")
    for url, n in sorted(got.items(), key=lambda kv: -kv[1])[:6]:
        print(f"     {_mb(n)}  {urlparse(url).path.split('/')[-1]}")
    other = next(((n, r) for n, r in sorted(pages.items()) if r != rel), None)
    if other is None:
        return
    page2 = ctx.new_page()
    traffic2 = _Traffic(ctx, page2)
    page2.goto(f"{base}/{other[1]}", wait_until="load")
    mark = set(traffic2.bytes)
    ready = _start(page2, other[0])
    new = traffic2.since(mark)
    print(f"   第二个页面（{other[1]}，同一浏览器缓存）：新下载 {_mb(sum(new.values()))}，点击→就绪 {ready:5.2f} s")
    page2.close()


NODE_RUNNER = r"""
import fs from "node:fs";
const [pyodideDir, site, hakit, rounds] = process.argv.slice(2);
const { loadPyodide } = await import(pyodideDir + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
const purelib = py.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
for (const zip of [site, hakit]) py.unpackArchive(new Uint8Array(fs.readFileSync(zip)), "zip", { extractDir: purelib });
py.globals.set("ROUNDS", Number(rounds));
console.log(py.runPython(`
import json, time
from hakit import panels
from hakit.panels import browser
out = {}
for name in panels.names():
    values = json.dumps(panels.get(name).largest)
    t = time.perf_counter(); browser.run(name, values); first = time.perf_counter() - t
    runs = []
    for _ in range(ROUNDS):
        t = time.perf_counter(); r = browser.run(name, values); runs.append(time.perf_counter() - t)
    out[name] = {"first": first, "runs": runs, "error": json.loads(r).get("error")}
json.dumps(out)
`));
"""


def test_live_python_compute_under_node(tmp_path) -> None:
    """The Python half of every panel's recompute in Pyodide (Node 20, no drawing), at its largest
    offered parameters; covers panels no built page shows yet."""
    import shutil
    import subprocess
    import sys

    node = shutil.which("node")
    if node is None:
        pytest.skip("node 未安装：sudo apt-get install nodejs npm")
    sys.path.insert(0, str(ROOT / "tools"))
    import browser_assets as BA

    assets = BA.ensure()
    name, data = BA.hakit_zip()
    (tmp_path / name).write_bytes(data)
    (tmp_path / "run.mjs").write_text(NODE_RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(tmp_path / "run.mjs"), str(BA.PYODIDE_DIR), str(assets["site"][0]),
                           str(tmp_path / name), str(ROUNDS)], capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    print("\n== Pyodide（Node 20）中每个面板在最大参数下的 Python 计算（不含绘图） ==")
    print("负载（1/5/15 分钟平均）：" + " ".join(f"{x:.1f}" for x in os.getloadavg()))
    for panel, r in sorted(results.items()):
        ms = [x * 1000 for x in r["runs"]]
        err = f"  错误：{r['error']}" if r["error"] else ""
        print(f"{panel:15s} 首次 {r['first'] * 1000:7.1f} ms，中位数 {_p(ms, 50):6.1f} ms，p95 {_p(ms, 95):6.1f} ms{err}")
