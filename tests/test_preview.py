"""`brochure serve` in a real headless Chromium (driven through chromedriver's WebDriver HTTP protocol)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not shutil.which("chromedriver"), reason="needs Debian's chromium-driver")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(base: str, method: str, path: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body or {}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def wait_for(check, timeout: float = 90.0, what: str = ""):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture()
def browser(tmp_path: Path) -> Iterator[tuple[str, str]]:
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _reachable(base + "/status"), 20, "chromedriver")
        options = {"binary": shutil.which("chromium"),
                   "args": [*CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'chromium'}"]}
        session = call(base, "POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": options}}})
        session_id = session["value"]["sessionId"]
        yield base, f"/session/{session_id}"
        call(base, "DELETE", f"/session/{session_id}")
    finally:
        driver.terminate()
        driver.wait(10)


def _reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except OSError:
        return False


def test_preview_page_refreshes_after_an_edit(project: Path, browser: tuple[str, str]) -> None:
    port = free_port()
    document = "screen/sejong/sejong-factsheet-en.pdf"
    server = subprocess.Popen([sys.executable, "-m", "brochure", "--root", str(project), "serve", "--lang", "en",
                               "--profile", "screen", "--government", "sejong", "--port", str(port), "--doc", document],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base, session = browser

    def script(code: str) -> object:
        return call(base, "POST", f"{session}/execute/sync", {"script": code, "args": []})["value"]

    try:
        wait_for(lambda: _reachable(f"http://127.0.0.1:{port}/state"), 60, "the preview server")
        call(base, "POST", f"{session}/url", {"url": f"http://127.0.0.1:{port}/"})
        first = wait_for(lambda: script("const i = document.querySelector('main img');"
                                        "return i && i.complete && i.naturalWidth > 0 ? i.src : null;"), 120,
                         "the first rendered page")
        assert "sejong-factsheet-en.pdf" in str(first)
        text = project / "content/sejong/en.md"
        text.write_text(text.read_text().replace("has been one of the", "has been one of the proud"))
        second = wait_for(lambda: script("const i = document.querySelector('main img');"
                                         f"return i && i.complete && i.naturalWidth > 0 && i.src !== {json.dumps(first)}"
                                         " ? i.src : null;"), 120, "the page to refresh after the edit")
        assert "sha=" in str(second) and second != first
        assert script("return document.getElementById('errors').textContent") == ""
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
