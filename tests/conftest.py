"""Shared fixtures: the built book, a loopback HTTP server for it, and a headless Chromium."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
sys.path.insert(0, str(ROOT / "tools"))

IN_CI = os.environ.get("CI") == "true"


def need_binary(name: str, package: str) -> str:
    """Path of ``name``; skip (naming the package) when missing, but fail in CI (the root
    conftest.py also turns any other skip into a failure under ``CI=true``)."""
    path = shutil.which(name)
    if path is None:
        msg = f"{name} 未安装：sudo apt-get install {package}"
        if IN_CI:
            pytest.fail(msg + "（CI=true 时缺少依赖即失败）")
        pytest.skip(msg)
    return path


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The book built exactly as `make book` does (a cached rebuild when already built)."""
    import build_book

    proc = build_book.build(ROOT, quiet=True)
    assert proc.returncode == 0, "book build failed:\n" + (proc.stdout or "")[-4000:] + (proc.stderr or "")[-4000:]
    assert (HTML / "index.html").exists()
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def book_server(built_book: Path):
    """Serve _build/html on 127.0.0.1 with a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    chromium = need_binary("chromium", "chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Property tests explore new random examples on every local run; in CI the examples are derived
# from the test itself so that a run is reproducible (a failure found locally is kept in
# .hypothesis/ and replayed first).
from hypothesis import settings as _hyp_settings  # noqa: E402

_hyp_settings.register_profile("ci", derandomize=True, print_blob=True)
# tools/mutation.py: the same examples for every mutant, nothing stored between runs
_hyp_settings.register_profile("mutation", derandomize=True, database=None, deadline=None)
if os.environ.get("HYPOTHESIS_PROFILE") in ("ci", "mutation"):
    _hyp_settings.load_profile(os.environ["HYPOTHESIS_PROFILE"])
elif IN_CI:
    _hyp_settings.load_profile("ci")


def valid_plotly(fig) -> None:
    """A figure for the book: a Figure that passes plotly's full validation, uses plotly_white and
    stays under 300 KB of JSON."""
    import plotly.graph_objects as go

    assert isinstance(fig, go.Figure)
    go.Figure(fig.to_plotly_json())          # full plotly validation must pass
    assert fig.layout.template.layout.paper_bgcolor == "white"   # plotly_white
    assert len(fig.to_json()) < 300_000
