# Two commands matter: `make lab` (open the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup lab lab-ja test sim bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# Works as root too, with no display, and with ports 8888/8765 taken (conoha_learn/lab.py).
# Options for Jupyter: make lab ARGS="--port 9999 --no-browser"
lab: $(STAMP)  ## open the course in JupyterLab, with the simulator running beside it
	$(BIN)/conoha-learn lab $(ARGS)

lab-ja: $(STAMP)  ## the same in Japanese: notebooks/ja/, JupyterLab's interface in Japanese
	$(BIN)/conoha-learn lab --lang ja $(ARGS)

# The whole test suite: tests/; then the notebooks' stored outputs against a replay of their
# cassettes (nbval; no simulator, no network; a separate run, so that tests/conftest.py and
# notebooks/conftest.py never meet); then no token, password or key in what would be committed.
test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-current-env -p no:python notebooks
	$(BIN)/conoha-learn audit .

sim: $(STAMP)  ## just the simulator, in the foreground
	$(BIN)/conoha-learn sim

bench: $(STAMP)  ## speed and memory figures, as a table
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
