# Two commands matter: `make lab` (open the course) and `make test` (run every test).
# Both create the virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SITE_STAMP := $(VENV)/.site-installed

.PHONY: setup lab lab-ja test sim bench bench-test bench-lessons bench-room messages site lite clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# An editable install is not byte-compiled, and where PYTHONDONTWRITEBYTECODE is set no
	@# import writes the .pyc either: every kernel compiled the package again (0.1 s each).
	$(BIN)/python -m compileall -q conoha_learn
	touch $(STAMP)

setup: $(STAMP)

# Works as root too, with no display, and with ports 8888/8765 taken (conoha_learn/lab.py).
# Options for Jupyter: make lab ARGS="--port 9999 --no-browser"
lab: $(STAMP)  ## open the course in JupyterLab, with the simulator running beside it
	$(BIN)/conoha-learn lab $(ARGS)

lab-ja: $(STAMP)  ## the same in Japanese: notebooks/ja/, JupyterLab's interface in Japanese
	$(BIN)/conoha-learn lab --lang ja $(ARGS)

# The whole test suite: tests/; then the notebooks' stored outputs against a replay of their
# cassettes (nbval; no simulator, no network; the package's pytest plugin, cassette/nbval_plugin.py,
# makes each kernel replay; a separate run, so that tests/conftest.py never applies to it); then
# no token, password or key in what would be committed.
# Both pytest runs are spread over TEST_WORKERS processes (pytest-xdist; auto: one per core). The
# suite mostly computes, so more workers than cores bought nothing when measured (README).
# `--dist loadfile` runs each test file in one process, in order (a module's shared set-up is made
# once), slow files first (tests/conftest.py); `--dist loadscope` runs each notebook's cells in
# order in one process. `make test TEST_WORKERS=0`: each run in one process, as before.
TEST_WORKERS ?= auto
test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope --nbval --nbval-current-env -p no:python notebooks
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

site: $(SITE_STAMP) lite  ## the course as a static website, in build/site/ (with the browser edition)
	$(BIN)/python website/build.py build/site

# The course in a browser tab (JupyterLite, Pyodide; the simulator runs inside the page), in
# build/lite/: from PyPI and npm only, with tools of its own in build/lite-tools/ (lite/build.py says
# what goes in). Serve it with any static web server: python3 -m http.server -d build/lite.
# make lite PYODIDE_DIST=<dir or tarball>: a full Pyodide distribution, for a room with no Internet.
LITE_TOOLS := build/lite-tools
$(LITE_TOOLS)/.installed: lite/requirements.txt
	$(PYTHON) -m venv $(LITE_TOOLS)
	$(LITE_TOOLS)/bin/python -m pip install --quiet --upgrade pip
	$(LITE_TOOLS)/bin/python -m pip install --quiet -r lite/requirements.txt
	touch $@

lite: $(LITE_TOOLS)/.installed  ## the course in a browser tab, nothing installed: build/lite/
	$(LITE_TOOLS)/bin/python lite/build.py build/lite $(if $(PYODIDE_DIST),--pyodide-dist $(PYODIDE_DIST))

# Figures as ratios to a floor measured in the same run; benchmarks/README.md says how to read them.
bench: $(STAMP)  ## speed and memory figures, as tables (a few minutes)
	@sh benchmarks/install-wrk.sh
	$(BIN)/python benchmarks/run.py

bench-test: $(STAMP)  ## where `make test`'s time goes; nbval per notebook against its floor (slow)
	$(BIN)/python benchmarks/run.py --suite

# Minutes per notebook and per section: every notebook run in sim mode (real 3 s delays), its text
# counted, at the rates benchmarks/lesson_text.py states; writes benchmarks/results/lesson_times.json.
# ARGS="--notebooks 05 09" runs only those; ARGS=--no-run reuses the last run's times; ARGS=--check.
bench-lessons: $(STAMP)  ## minutes a learner needs per notebook and section (a few minutes)
	nice $(BIN)/python benchmarks/lesson_times.py $(ARGS)

# A room of N learners at once on JupyterHub with deploy/jupyterhub_config.py: real Unix users
# (root only; removed afterwards), a real hub and proxy on 127.0.0.1, notebook 05's create in each
# learner's kernel; prints login -> first token p50/p95/max, memory per learner, isolation.
N ?= 30
bench-room: $(STAMP)  ## a room of N learners (default 30) on one JupyterHub, measured (root)
	$(BIN)/python benchmarks/bench_room.py --learners $(N) $(ARGS)

# The learner-facing messages: extract every _() / N_() text into the template, bring the Japanese
# catalog up to date with it (new entries come out empty, changed ones fuzzy: translate them), and
# compile it. The .mo is committed; tests/test_i18n.py fails when it differs from the .po.
LOCALE := conoha_learn/locale
messages: $(STAMP)  ## rebuild the message catalogs (locale/*.pot, ja .po and .mo)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --no-wrap \
	    --project conoha-learn --copyright-holder 'the conoha-learn authors' \
	    -o $(LOCALE)/conoha_learn.pot conoha_learn
	$(BIN)/pybabel update -D conoha_learn -i $(LOCALE)/conoha_learn.pot -d $(LOCALE) -l ja \
	    --no-wrap --ignore-obsolete
	$(BIN)/pybabel compile -D conoha_learn -d $(LOCALE) -l ja --statistics

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
