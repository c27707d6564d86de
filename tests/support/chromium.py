"""Headless Chromium for the browser tests: skipped with a hint locally, a failure in CI.

The browser tests use Debian's `chromium` package (Playwright drives it through
`executable_path`; its own browser downloads do not work offline). `.ci/run` installs the
package when CI=true, so a missing browser there is a broken CI, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

INSTALL_HINT = "install it with `apt-get install -y chromium` (Debian/Ubuntu)"
DEBIAN_PATH = Path("/usr/bin/chromium")

# Root (as in CI containers) cannot use Chromium's sandbox; the other switches stop Chromium
# from phoning home, so that the only requests made are the page's own.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str:
    """The Chromium executable, or skip (fail when CI=true) saying how to install it."""
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    if DEBIAN_PATH.is_file():
        return str(DEBIAN_PATH)
    message = f"headless Chromium is not installed; {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}. CI runs the browser tests (.ci/run installs Chromium).")
    pytest.skip(message)
