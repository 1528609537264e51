"""Headless Chromium for the tests that read a page as a person would (Debian's package)."""

from __future__ import annotations

import os
import shutil

import pytest

#: headless, sandbox-free (root in CI), and nothing that reaches the network on its own
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-default-apps", "--hide-scrollbars")


def chromium() -> str:
    """The chromium binary; the test fails saying how to install it when it is missing."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.access(
        "/usr/bin/chromium", os.X_OK) else None)
    if not found:
        pytest.fail("headless Chromium is not installed: run `make browser` (Debian's "
                    "chromium package) before the tests")
    return found
