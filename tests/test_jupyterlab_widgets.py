"""The ipywidgets panels are live in JupyterLab: a real JupyterLab server on 127.0.0.1 (free port),
headless Chromium runs a notebook cell that shows the rolling-update panel, the panel's Plotly
figure renders, and typing maxSurge = maxUnavailable = 0 shows the Chinese validation message."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from hakit.lab.process import free_port


pytestmark = pytest.mark.browser


@pytest.fixture()
def jupyterlab(tmp_path: Path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(
        "from hakit.widgets.rollout import rollout_panel\nfrom hakit.widgets._common import show\nshow(rollout_panel())")]
    nbformat.write(nb, tmp_path / "panel.ipynb")
    port = free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    proc = subprocess.Popen(
        [str(jupyter), "lab", "--ip=127.0.0.1", f"--port={port}", "--no-browser", "--allow-root",
         "--IdentityProvider.token=hakit-test", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.news_url="],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token=hakit-test", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("JupyterLab 没有在 60 s 内启动")
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def test_rollout_panel_is_live_and_validates_in_chinese(jupyterlab: str, browser) -> None:
    # the session's one Playwright/Chromium (conftest.browser): a second sync_playwright() in the
    # same process is refused by Playwright
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        page_errors: list[str] = []
        page.on("pageerror", lambda e: page_errors.append(str(e)))
        external: list[str] = []
        page.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).hostname == "127.0.0.1"
                   else (external.append(r.request.url), r.abort()))
        page.goto(f"{jupyterlab}/lab/tree/panel.ipynb?token=hakit-test")
        page.wait_for_selector(".jp-Notebook .jp-Cell .cm-content", timeout=60000)
        page.wait_for_selector("text=| Idle", timeout=60000)  # the kernel has started (status bar)
        page.locator(".jp-Notebook .jp-Cell .cm-content").first.click()
        page.keyboard.press("Shift+Enter")
        # the panel renders its figure through the Plotly mime renderer inside the widget output
        page.wait_for_selector(".widget-text input", timeout=60000)
        page.wait_for_selector(".jp-OutputArea .js-plotly-plot .main-svg, .jp-OutputArea .plot-container",
                               timeout=60000)
        boxes = page.locator(".widget-text input")
        for i in (0, 1):  # maxSurge, maxUnavailable
            boxes.nth(i).fill("0")
            boxes.nth(i).press("Enter")
        page.wait_for_selector(".hakit-error", timeout=30000)
        message = page.locator(".hakit-error").first.inner_text()
        shots = Path(__file__).resolve().parent.parent / "_build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "jupyterlab-panel-error.png"))
    finally:
        context.close()
    assert "maxUnavailable" in message and "不能与 maxSurge 同时为 0" in message, message
    assert not page_errors, page_errors
    assert not external, f"JupyterLab 页面请求了 127.0.0.1 以外的地址：{external}"
