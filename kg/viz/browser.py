"""Open a view in headless Chromium from a file, with the network off, and report what a person would see.

Used by the browser tests and ``benchmarks/bench_views.py``; needs the
``playwright`` package and Debian's ``chromium`` (playwright drives the
system browser: no browser is downloaded).  Any request that is not a
``file:`` URL is blocked and recorded.

>>> chromium_path() is None or chromium_path().endswith("chromium")
True
"""
from __future__ import annotations

import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass(frozen=True)
class Opened:
    nodes: int                  # in vis-network's DataSet
    edges: int
    errors: tuple[str, ...]     # console errors and uncaught exceptions
    blocked: tuple[str, ...]    # non-file requests the page tried
    seconds: float              # from navigation to the first drawing of the settled graph


class Browser:
    """One headless Chromium, many pages: ``with Browser() as b: b.open(path)``."""

    def __init__(self, width: int = 1280, height: int = 800):
        self.size = {"width": width, "height": height}

    def __enter__(self) -> "Browser":
        from playwright.sync_api import sync_playwright

        exe = chromium_path()
        if exe is None:
            raise RuntimeError("Chromium is not installed (Debian package `chromium`)")
        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=exe, args=ARGS)
        return self

    def __exit__(self, *exc) -> None:
        self._browser.close()
        self._pw.stop()

    @contextmanager
    def page(self, path: Path, timeout_s: float = 120) -> Iterator[tuple[object, Opened]]:
        """Open ``path`` offline; yields the playwright page (for hovering, screenshots) and what was seen."""
        context = self._browser.new_context(viewport=self.size, offline=True)
        errors, blocked = [], []

        def route(r):
            if r.request.url.startswith("file:"):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
        try:
            started = time.perf_counter()
            page.goto(Path(path).resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
            # polled with evaluate: wait_for_function would need eval, which the page's CSP forbids
            while not page.evaluate("() => !!document.body && document.body.dataset.ready === '1'"):
                if time.perf_counter() - started > timeout_s:
                    raise TimeoutError(f"{path}: the graph was not drawn within {timeout_s:.0f} s")
                page.wait_for_timeout(25)
            seconds = time.perf_counter() - started
            counts = page.evaluate("() => window.network ? [window.network.body.data.nodes.length, "
                                   "window.network.body.data.edges.length] : [-1, -1]")
            yield page, Opened(counts[0], counts[1], tuple(errors), tuple(blocked), seconds)
        finally:
            context.close()

    def open(self, path: Path, timeout_s: float = 120) -> Opened:
        with self.page(path, timeout_s) as (_, opened):
            return opened


def hover_tooltip(page, node_id: str) -> str:
    """Move the mouse over a node and return the tooltip's text ('' when none shows)."""
    xy = page.evaluate("""id => { const p = window.network.getPositions([id])[id];
        const d = window.network.canvasToDOM(p); const r = document.getElementById('mynetwork').getBoundingClientRect();
        return [d.x + r.left, d.y + r.top]; }""", node_id)
    page.mouse.move(xy[0] + 40, xy[1] + 40)
    page.mouse.move(xy[0], xy[1], steps=4)
    try:
        page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    except Exception:
        return ""
    return page.inner_text("div.vis-tooltip")
