"""Shared test set-up: each test starts from matplotlib's settings and leaves no figure open.

`style.apply()` changes global matplotlib settings (titles on the left, fonts, sizes); without
this fixture a test that applies the course style would change what later tests see.
"""

import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# Property tests explore the same examples on every run, so that CI is repeatable; set
# HYPOTHESIS_PROFILE=explore locally to search new examples.
settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _isolated_matplotlib():
    with matplotlib.rc_context():
        yield
    plt.close("all")
