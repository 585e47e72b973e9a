"""Helpers for real-browser tests (Playwright driving Debian's Chromium).

Playwright cannot download its own browsers here, so :func:`launch` starts
``/usr/bin/chromium`` with flags that keep it quiet and off the network. A
typical test::

    with serve_dir(folder) as base, launch() as browser, open_page(browser) as (page, log):
        page.goto(f"{base}/map.html")
        wait_for_leaflet(page)
        assert log.outside_localhost() == []

For the Streamlit app: start ``streamlit run app.py --server.port PORT
--server.headless true --server.enableStaticServing true`` (see
:func:`free_port`), ``page.goto`` it and call :func:`wait_for_streamlit`.
"""

from __future__ import annotations

import functools
import http.server
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    Frame,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)

CHROMIUM = os.environ.get("KVPT_CHROMIUM", "/usr/bin/chromium")
"""The Chromium executable (Debian's package)."""

CHROMIUM_ARGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
)
"""Flags: headless, no sandbox (root in a container), no background traffic."""

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
"""Hosts a test page may talk to."""

LOCAL_SCHEMES = frozenset({"data", "blob", "about", "file", "chrome", "chrome-extension"})
"""URL schemes that never leave the machine."""

ROOT = Path(__file__).parents[1]
"""The checkout (where ``app.py`` is)."""


def chromium_available() -> bool:
    """Whether the Chromium executable is there (``make chromium`` installs it)."""
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


@contextmanager
def launch(*, headless: bool = True) -> Iterator[Browser]:
    """Start Chromium under Playwright; close it on exit.

    Each launch gets a fresh, empty profile: Playwright gives Chromium a new
    temporary ``--user-data-dir`` and removes it when the browser closes.

    Parameters
    ----------
    headless : bool
        Run without a window (the default; ``False`` needs a display).

    Yields
    ------
    playwright.sync_api.Browser
        The browser; make pages with :func:`open_page`.
    """
    if not chromium_available():
        msg = f"Chromium not found at {CHROMIUM}: run `make chromium` (apt-get install chromium)."
        raise RuntimeError(msg)
    args = [a for a in CHROMIUM_ARGS if headless or a != "--headless"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=headless, args=args)
        try:
            yield browser
        finally:
            browser.close()


class RequestLog:
    """Records every request a page or browser context makes (frames included).

    Attributes
    ----------
    urls : list of str
        Every requested URL, in order.
    failed : list of str
        ``"URL (reason)"`` of requests that failed at the network level.
    statuses : dict
        HTTP status of each response, by URL.
    page_errors : list of str
        Uncaught JavaScript errors of the page (of :func:`open_page`, or of a
        page given to :meth:`attach`).
    """

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.failed: list[str] = []
        self.statuses: dict[str, int] = {}
        self.page_errors: list[str] = []

    def attach(self, target: Page | BrowserContext) -> RequestLog:
        """Start recording the requests of ``target`` (and errors of a page); return ``self``."""
        target.on("request", self._on_request)
        target.on("requestfailed", self._on_failed)
        target.on("response", self._on_response)
        if isinstance(target, Page):
            target.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        return self

    def bad_responses(self) -> list[str]:
        """Return ``"URL (status)"`` of every response with an HTTP error status."""
        return [f"{url} ({code})" for url, code in self.statuses.items() if code >= 400]

    def outside_localhost(self) -> list[str]:
        """Return the recorded URLs that go to a host other than this machine.

        ``data:``, ``blob:``, ``about:`` and ``file:`` URLs are allowed.
        """
        return [url for url in self.urls if not is_local_url(url)]

    def _on_request(self, request: Request) -> None:
        self.urls.append(request.url)

    def _on_response(self, response: Response) -> None:
        self.statuses[response.url] = response.status

    def _on_failed(self, request: Request) -> None:
        self.failed.append(f"{request.url} ({request.failure})")


def is_local_url(url: str) -> bool:
    """Whether ``url`` stays on this machine (loopback host or a local scheme)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


@contextmanager
def open_page(
    browser: Browser, *, width: int = 1200, height: int = 800, block_outside: bool = True
) -> Iterator[tuple[Page, RequestLog]]:
    """Open a page in a new context whose requests are recorded.

    Parameters
    ----------
    browser : Browser
        From :func:`launch`.
    width, height : int
        Viewport size in CSS pixels.
    block_outside : bool
        Abort requests to other hosts at once (they are still recorded), so a
        stray CDN link fails fast instead of waiting for a network timeout.

    Yields
    ------
    (Page, RequestLog)
        The page, and the log of its context's requests and of the page's
        JavaScript errors (``log.page_errors``).
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    log = RequestLog().attach(context)
    if block_outside:
        context.route("**/*", _local_only)
    page = context.new_page()
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    _ERRORS[id(page)] = log.page_errors
    try:
        yield page, log
    finally:
        _ERRORS.pop(id(page), None)
        context.close()


_ERRORS: dict[int, list[str]] = {}


def page_errors(page: Page) -> list[str]:
    """Return the uncaught JavaScript errors so far of a page from :func:`open_page`."""
    return list(_ERRORS.get(id(page), []))


def _local_only(route: Route, request: Request) -> None:
    if is_local_url(request.url):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def wait_for_leaflet(target: Page | Frame, *, timeout: float = 15_000) -> None:
    """Wait until Leaflet is loaded and the maps in ``target`` are drawn and still.

    Still: no zoom animation running (clicks and screenshots then hit the
    features where their coordinates say).
    """
    target.wait_for_function("() => window.L !== undefined && window.L.version !== undefined",
                             timeout=timeout)
    target.wait_for_selector(".leaflet-container .leaflet-map-pane", state="attached",
                             timeout=timeout)
    target.wait_for_function(
        """() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(
            () => resolve(document.querySelector(".leaflet-zoom-anim") === null))))""",
        timeout=timeout,
    )


def wait_for_streamlit(page: Page, *, timeout: float = 60_000) -> None:
    """Wait until a Streamlit app has finished running its script.

    The main block is on the page, the app reports the script as not running
    and the status widget (running man / "Running…") is gone.
    """
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', state="attached",
                           timeout=timeout)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app) { return false; }
            const state = app.getAttribute("data-test-script-state");
            if (state !== null && state !== "notRunning") { return false; }
            return document.querySelector('[data-testid="stStatusWidget"]') === null;
        }""",
        timeout=timeout,
    )


@contextmanager
def serve_dir(path: str | os.PathLike[str]) -> Iterator[str]:
    """Serve a folder over HTTP on 127.0.0.1 and a free port, in a thread.

    Parameters
    ----------
    path : path-like
        The folder served as the site root.

    Yields
    ------
    str
        The base URL, e.g. ``"http://127.0.0.1:41234"`` (no trailing slash).
    """
    handler = functools.partial(_QuietHandler, directory=str(path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="serve_dir", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextmanager
def serve_app(project: str | os.PathLike[str], *, script: str | os.PathLike[str] = "app.py",
              args: Sequence[str] = ()) -> Iterator[str]:
    """Run ``streamlit run app.py`` on ``project`` (127.0.0.1, a free port) until the end.

    Parameters
    ----------
    project : path-like
        The project GeoPackage (``KVPT_PROJECT``).
    script : path-like
        The main script (``app.py`` of the checkout by default).
    args : sequence of str
        More ``streamlit run`` options (e.g. ``("--server.fileWatcherType", "none")``).

    Yields
    ------
    str
        The base URL once Streamlit answers its health check.

    Raises
    ------
    RuntimeError
        If Streamlit stops or does not answer within 60 s (with what it printed).
    """
    port = free_port()
    env = {**os.environ, "KVPT_PROJECT": str(project)}
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false",
           *args]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=output,
                                stderr=subprocess.STDOUT)
        try:
            _wait_healthy(url, proc, output)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=20)


def _wait_healthy(url: str, proc: subprocess.Popen, output: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            output.seek(0)
            raise RuntimeError(output.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("streamlit did not start within 60 s")


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1 now (for starting a server such as Streamlit)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that does not log each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing."""
