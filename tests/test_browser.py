"""Every built page in headless Debian Chromium, offline: no errors, figures render, sliders work,
Chinese search works. Screenshots go to _build/screenshots/."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT

pytestmark = pytest.mark.browser
SHOTS = ROOT / "_build" / "screenshots"


def all_pages(html: Path) -> list[str]:
    pages = sorted((html / "book").rglob("*.html")) + sorted((html / "labs").rglob("*.html"))
    return [p.relative_to(html).as_posix() for p in pages] + ["search.html", "genindex.html"]


class PageProbe:
    """Opens pages with every non-loopback request aborted, collecting every kind of error."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.errors: list[str] = []
        self.external: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith("data:") or host == "127.0.0.1":
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def open(self, rel: str):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{rel}: console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{rel}: pageerror: {e}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"{rel}: HTTP {r.status} {r.url}"))
        page.goto(f"{self.base}/{rel}", wait_until="load")
        return page


@pytest.fixture(scope="module")
def probe(browser, book_server):
    p = PageProbe(browser, book_server)
    yield p
    p.context.close()


def test_every_page_offline_without_errors(probe, built_book: Path) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    figures = 0
    for rel in all_pages(built_book):
        page = probe.open(rel)
        n = page.locator(".plotly-graph-div").count()
        if n:
            page.wait_for_function(
                "n => document.querySelectorAll('.plotly-graph-div .main-svg').length >= n", arg=n, timeout=15000)
            rendered = page.evaluate(
                "() => [...document.querySelectorAll('.plotly-graph-div')].every(d => d._fullLayout && d.querySelector('.main-svg'))")
            assert rendered, f"{rel}: a Plotly figure did not render"
            figures += n
        page.wait_for_timeout(200)  # let deferred scripts (MathJax) run and report
        page.screenshot(path=str(SHOTS / (rel.replace("/", "__").replace(".html", ".png"))), full_page=False)
        page.close()
    assert not probe.errors, "\n".join(probe.errors)
    assert not probe.external, "requests outside 127.0.0.1:\n" + "\n".join(sorted(set(probe.external)))
    assert figures >= 4


def _first_slider_page(html: Path) -> str:
    for rel in all_pages(html):
        text = (html / rel).read_text(encoding="utf-8")
        if '"sliders"' in text and "plotly-graph-div" in text:
            return rel
    raise AssertionError("no built page has a Plotly figure with a slider")


def test_slider_step_changes_figure(probe, built_book: Path) -> None:
    rel = _first_slider_page(built_book)
    page = probe.open(rel)
    page.wait_for_selector(".plotly-graph-div .slider-group", timeout=15000)
    gd = page.locator(".plotly-graph-div:has(.slider-group)").first
    gd.scroll_into_view_if_needed()
    before = gd.evaluate("d => JSON.stringify(d.data.map(t => [t.x, t.y, t.z, t.marker && t.marker.color, t.visible]))")
    active_before = gd.evaluate("d => d.layout.sliders[0].active || 0")
    # Slider labels lie under a transparent rail: click by mouse position on the last step's label.
    box = gd.evaluate("""d => { const ls = d.querySelectorAll('.slider-group .slider-label, .slider-group .slider-step-label');
                              const r = (ls.length ? ls[ls.length-1] : d.querySelector('.slider-group .slider-rail-rect')).getBoundingClientRect();
                              return {x: r.x + r.width/2, y: r.y + r.height/2, right: r.right}; }""")
    labels = gd.evaluate("d => d.querySelectorAll('.slider-group .slider-step-label, .slider-group .slider-label').length")
    if labels:
        page.mouse.click(box["x"], box["y"])
    else:
        page.mouse.click(box["right"] - 3, box["y"])
    page.wait_for_function("d => (d.layout.sliders[0].active || 0) !== %d" % active_before, arg=gd.element_handle(), timeout=5000)
    after = gd.evaluate("d => JSON.stringify(d.data.map(t => [t.x, t.y, t.z, t.marker && t.marker.color, t.visible]))")
    page.screenshot(path=str(SHOTS / "slider-after-click.png"))
    page.close()
    assert after != before, f"{rel}: clicking a slider step did not change the figure"
    assert not probe.errors, "\n".join(probe.errors)


def test_chinese_search_finds_results(probe) -> None:
    page = probe.open("search.html?q=%E9%AB%98%E5%8F%AF%E7%94%A8")  # 高可用
    page.wait_for_function("() => document.querySelectorAll('#search-results ul.search li').length > 0", timeout=20000)
    n = page.locator("#search-results ul.search li").count()
    page.screenshot(path=str(SHOTS / "search-高可用.png"))
    page.close()
    assert n >= 1
    assert not probe.errors, "\n".join(probe.errors)
