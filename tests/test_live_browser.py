"""The live book in headless Chromium, offline (every request outside 127.0.0.1 aborted): one live
panel per chapter goes ready with no console error; on the rolling-update page nothing loads
before the button, maxSurge = maxUnavailable = 0 shows the Chinese validation message and
maxSurge = 5 recomputes and changes the figure; an exercise hook checks an answer in the page.

``HAKIT_LIVE_HTML=/path/to/html`` tests an HTML tree built elsewhere (a helper's own build);
otherwise the session's ``built_book``.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser
SHOTS = ROOT / "_build" / "screenshots"
ROLLING = "book/n3/n3_2_3_rolling_update.html"
READY = 'xpath=.//*[@data-hakit-status="ready"]'


@pytest.fixture(scope="module")
def html_root(request) -> Path:
    override = os.environ.get("HAKIT_LIVE_HTML")
    return Path(override) if override else request.getfixturevalue("built_book")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(html_root: Path):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html_root)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


class Page:
    """A fresh context (cold cache) with outside requests aborted and every error collected."""

    def __init__(self, browser, base: str, rel: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        self.errors: list[str] = []
        self.external: list[str] = []
        self.requests: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on("response", lambda r: r.status >= 400 and self.errors.append(f"HTTP {r.status} {r.url}"))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(f"{base}/{rel}", wait_until="load")

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith("data:") or url.startswith("blob:") or urlparse(url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def start(self, panel: str, timeout: float = 90_000):
        root = self.page.locator(f'[data-hakit-panel="{panel}"]').first
        root.scroll_into_view_if_needed()
        button = root.locator("[data-hakit-start]")
        assert button.inner_text().strip() == "在浏览器中运行"
        button.click()
        root.locator(READY).wait_for(timeout=timeout)
        return root

    def close(self) -> None:
        self.context.close()


def _panel_pages(html: Path) -> dict[str, tuple[str, str]]:
    """chapter folder -> (page, first panel name) for every chapter with a live panel."""
    out: dict[str, tuple[str, str]] = {}
    for page in sorted((html / "book").rglob("*.html")):
        m = re.search(r'data-hakit-panel="([^"]+)"', page.read_text(encoding="utf-8"))
        chapter = page.relative_to(html / "book").parts[0]
        if m and chapter not in out:
            out[chapter] = (page.relative_to(html).as_posix(), m.group(1))
    return out


def _figure(root) -> str:
    return root.locator(".plotly-graph-div").first.evaluate("d => JSON.stringify([d.data, d.layout.title])")


def test_pages_with_panels_have_live_panels_and_no_widget_notes(html_root: Path) -> None:
    problems = []
    for page in sorted((html_root / "book").rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        rel = page.relative_to(html_root).as_posix()
        if "hakit-widget-note" in text or "需要运行中的内核" in text:
            problems.append(f"{rel}: 仍有“需要运行中的内核”的提示")
        for m in re.finditer(r'<div class="hakit-live" data-hakit-panel="([^"]+)">(.*?)data-hakit-status="idle"', text, re.S):
            if "data-hakit-start" not in m.group(2) or 'name="' not in m.group(2):
                problems.append(f"{rel}: 面板 {m.group(1)} 缺少按钮或控件")
        if "data-hakit-panel=" in text and "_static/hakit/live/live.js" not in text:
            problems.append(f"{rel}: 有面板但没有 live.js")
    for nb in sorted((ROOT / "book").rglob("*.ipynb")):
        shown = sum(len(re.findall(r"show\(\w+_panel\(\)\)", "".join(c["source"])))
                    for c in json.loads(nb.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")
        page = html_root / nb.relative_to(ROOT).with_suffix(".html")
        if shown and page.exists():
            live = page.read_text(encoding="utf-8").count("data-hakit-panel=")
            if live != shown:
                problems.append(f"{page.relative_to(html_root)}: 笔记本显示 {shown} 个面板，页面上有 {live} 个实时面板"
                                "（执行缓存是在 HAKIT_BOOK_BUILD=1 之外生成的吗？）")
    assert not problems, "\n".join(problems)
    rolling = (html_root / ROLLING).read_text(encoding="utf-8")
    for name in ("max_surge", "max_unavailable", "replicas"):
        assert f'name="{name}"' in rolling, name


def test_rolling_update_panel_acceptance(browser, server: str) -> None:
    p = Page(browser, server, ROLLING)
    try:
        assert not [u for u in p.requests if "/_static/hakit/live/" in u and not u.split("?")[0].endswith(("live.js", "live.css"))], \
            "按下按钮之前就加载了 Pyodide 或 wheel"
        root = p.start("rollout")
        shown = p.page.evaluate("window.hakitLive.progress")
        assert any(re.search(r"正在下载 .+：已下载 [\d.]+ MB / [\d.]+ MB", t) for t in shown), shown
        assert root.locator('[name="max_surge"]').count() == 1
        before = _figure(root)
        root.locator('[name="max_surge"]').fill("0")
        root.locator('[name="max_unavailable"]').fill("0")
        root.locator('xpath=.//*[@data-hakit-status="error"]').wait_for(timeout=10_000)
        message = root.locator("[data-hakit-status]").inner_text()
        assert "maxUnavailable" in message and "不能与 maxSurge 同时为 0" in message, message
        root.locator('[name="max_surge"]').fill("5")
        root.locator(READY).wait_for(timeout=10_000)
        after = _figure(root)
        SHOTS.mkdir(parents=True, exist_ok=True)
        root.screenshot(path=str(SHOTS / "live-rollout-max-surge-5.png"))
        assert after != before, "maxSurge = 5 没有改变图"
        assert not p.errors, p.errors
        assert not p.external, p.external
    finally:
        p.close()


def test_one_live_panel_per_chapter(browser, server: str, html_root: Path) -> None:
    pages = _panel_pages(html_root)
    assert {"n1", "n2", "n3", "n4"} <= set(pages), sorted(pages)
    failures = []
    for chapter, (rel, panel) in sorted(pages.items()):
        p = Page(browser, server, rel)
        try:
            root = p.start(panel)
            if root.locator(".plotly-graph-div .main-svg").count() == 0:
                failures.append(f"{rel}: {panel} 没有画出图")
            SHOTS.mkdir(parents=True, exist_ok=True)
            root.screenshot(path=str(SHOTS / f"live-{chapter}-{panel}.png"))
        except Exception as exc:  # report every chapter, not only the first failure
            failures.append(f"{rel}: {panel}: {type(exc).__name__}: {str(exc)[:300]}")
        finally:
            p.close()
        failures += [f"{rel}: {e}" for e in p.errors] + [f"{rel}: 外部请求 {u}" for u in p.external]
    assert not failures, "\n".join(failures)


def test_exercise_hook_checks_in_the_page(browser, server: str, html_root: Path) -> None:
    from hakit import grading
    from hakit.panels.browser import check_answer

    hooked = [(page, m.group(1)) for page in sorted((html_root / "book").rglob("*.html"))
              for m in re.finditer(r'class="hakit-exercise" data-exercise="([^"]+)"', page.read_text(encoding="utf-8"))]
    if not hooked:
        pytest.skip("还没有页面含练习挂钩 <div class=\"hakit-exercise\" data-exercise=…>")
    page, exercise_id = next(((pg, i) for pg, i in hooked if grading.get(i).kind in ("int", "number")), hooked[0])
    ex = grading.get(exercise_id)
    right = repr(ex.expected())
    wrong = next(w for w in ex.wrong_answers if not grading.is_missing(w))
    p = Page(browser, server, page.relative_to(html_root).as_posix())
    try:
        hook = p.page.locator(f'.hakit-exercise[data-exercise="{exercise_id}"]').first
        hook.scroll_into_view_if_needed()
        hook.locator("input").fill(repr(wrong))
        hook.locator("button").click()
        hook.locator('xpath=self::*[@data-hakit-status="wrong"]').wait_for(timeout=90_000)
        reason = hook.locator(".hakit-exercise-result").inner_text()
        want = json.loads(check_answer(exercise_id, repr(wrong)))["message"]  # what CPython says
        assert "✘" in reason and reason.strip() == want.strip(), (reason, want)
        hook.locator("input").fill(right)
        hook.locator("button").click()
        hook.locator('xpath=self::*[@data-hakit-status="correct"]').wait_for(timeout=10_000)
        assert "✔" in hook.locator(".hakit-exercise-result").inner_text()
        assert not p.errors, p.errors
        assert not p.external, p.external
    finally:
        p.close()
