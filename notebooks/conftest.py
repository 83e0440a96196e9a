"""nbval replays the course notebooks from their cassettes: no simulator, no network.

    pytest --nbval --nbval-current-env notebooks/

See conoha_learn/cassette.py; re-record with `conoha-learn record notebooks/`.
"""

import pytest

from conoha_learn.cassette import replaying_for_nbval


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    with replaying_for_nbval(item):  # nbval starts the notebook's kernel during this set-up
        yield
