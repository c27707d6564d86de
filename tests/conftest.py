"""The suite's configuration: the database it runs on (tests/support/backend.py), the shared
fixtures (tests/support/fixtures.py) and the property-based tests' profiles. Helpers live in
tests/support; nothing imports this file."""

from __future__ import annotations

import os
import tempfile

from hypothesis import HealthCheck, settings

# What the embedded store writes at run time goes to the data folder, loaded again at start-up. A
# test (or a server it starts) must never read or write the user's own: one throwaway folder for
# the session, which tests that write give a folder of their own (`make_settings`).
os.environ["DIPLOGRAPH_DATA_DIR"] = tempfile.mkdtemp(prefix="diplograph-test-data-")

pytest_plugins = ["tests.support.backend", "tests.support.fixtures"]

# Property-based tests: `ci` (the default) is bounded and repeatable, so CI stays within minutes
# and a red run replays; `long` explores new examples on every run, for a local soak:
#   HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/api/test_fuzz.py --hypothesis-show-statistics
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=500, deadline=None, derandomize=True, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
