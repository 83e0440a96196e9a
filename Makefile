# Two commands matter: `make lab` (open the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup lab test sim bench bench-test clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)  ## open the course in JupyterLab, with the simulator running beside it
	$(BIN)/conoha-learn lab

# The whole test suite: tests/; then the notebooks' stored outputs against a replay of their
# cassettes (nbval; no simulator, no network; a separate run, so that tests/conftest.py and
# notebooks/conftest.py never meet); then no token, password or key in what would be committed.
test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest
	$(BIN)/python -m pytest --nbval --nbval-current-env -p no:python notebooks
	$(BIN)/conoha-learn audit .

sim: $(STAMP)  ## just the simulator, in the foreground
	$(BIN)/conoha-learn sim

# Figures as ratios to a floor measured in the same run; benchmarks/README.md says how to read them.
bench: $(STAMP)  ## speed and memory figures, as tables (a few minutes)
	@sh benchmarks/install-wrk.sh
	$(BIN)/python benchmarks/run.py

bench-test: $(STAMP)  ## where `make test`'s time goes; nbval per notebook against its floor (slow)
	$(BIN)/python benchmarks/run.py --suite

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
