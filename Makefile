# Two commands matter: `make lab` (open the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SITE_STAMP := $(VENV)/.site-installed

.PHONY: setup lab test sim bench site clean

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

# The course as a website in build/site/ (open build/site/index.html). Needs only the [site]
# extra, not the whole course; npm fetches mermaid.min.js once (website/build.py).
$(SITE_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[site]'
	touch $(SITE_STAMP)

site: $(SITE_STAMP)  ## the course as a static website, in build/site/
	$(BIN)/python website/build.py build/site

bench: $(STAMP)  ## speed and memory figures, as a table
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
