# Two commands matter: `make lab` (open the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup lab test sim bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)  ## open the course in JupyterLab, with the simulator running beside it
	$(BIN)/conoha-learn lab

# The whole test suite: tests/; then the notebooks' stored outputs against a replay of their
# cassettes (nbval; no simulator, no network; the package's pytest plugin, cassette/nbval_plugin.py,
# makes each kernel replay; a separate run, so that tests/conftest.py never applies to it); then
# no token, password or key in what would be committed.
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
