# make run   - start the app on the built-in model (http://localhost:8501; PORT=... to change)
# make test  - lint, format check and every test, browser tests included
#
# Both create .venv if it is missing and install the project into it (editable, extras dev + hf).
# A torch already in .venv is kept: the project asks for torch>=2.2 and pip leaves a satisfying
# install alone. On a fresh machine with no torch, pip pulls a torch build on its own (on Linux
# that is a large CUDA build); for a CPU-only machine install a CPU build of torch into .venv first.
# CI (.ci/run) pre-installs torch==2.13.0 (CPU) into .venv.

VENV   ?= .venv
PYTHON ?= python3
PORT   ?= 8501
ARGS   ?=
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install run test lint format unit e2e bench screenshots e2e-deps clean messages

help:
	@echo "make run       start the app (PORT=$(PORT))"
	@echo "make test      ruff check + ruff format --check + pytest (all tests: 2 processes without the browser, then e2e)"
	@echo "make unit      pytest without the browser tests"
	@echo "make e2e       only the browser tests (needs /usr/bin/chromium: make e2e-deps)"
	@echo "make lint      ruff check + ruff format --check"
	@echo "make format    ruff check --fix + ruff format"
	@echo "make bench     print every performance figure (python -m bench.run_all; ARGS=--quick for a fast run)"
	@echo "make screenshots  run the browser tests and copy the home, chat and train shots to docs/"
	@echo "make e2e-deps  install Debian's chromium and CJK fonts for the browser tests (apt-get)"
	@echo "make messages  extract the app's strings into explainer/locales/messages.pot and update every .po"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -e '.[dev,hf]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m explainer.ui.serve --server.port $(PORT) $(ARGS)

# The tests without a browser on 2 processes (pytest-xdist), then the browser tests on 2 processes; a file's tests
# run together, so a file's costly fixture (a server, CLI subprocesses) is made once, not on both processes. The
# browser tests: each process its own server and Chromium, whose tabs the tests reuse (5 min on 2 cores).
test: lint $(STAMP)
	$(BIN)/pytest -m "not e2e" -n 2 --dist loadfile $(ARGS)
	$(BIN)/pytest -m e2e -n 2 --dist loadfile $(ARGS)

unit: $(STAMP)
	$(BIN)/pytest -m "not e2e" $(ARGS)

e2e: $(STAMP)
	$(BIN)/pytest -m e2e $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python -m bench.run_all $(ARGS)

screenshots: e2e
	mkdir -p docs
	cp tests/e2e/screenshots/home.png tests/e2e/screenshots/chat.png tests/e2e/screenshots/train.png docs/
	cp tests/e2e/screenshots/lang-zh_CN-next-word.png docs/next-word-zh.png
	cp tests/e2e/screenshots/poll-question-board-projector.png docs/class-question.png

# Chromium, and the Noto CJK fonts it draws the Chinese pages with (Debian's Chromium has none of its own; the app
# never fetches a font from elsewhere).
e2e-deps:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh | grep -q .; then echo "chromium: $$(/usr/bin/chromium --version)"; \
	else \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium fonts-noto-cjk; \
	fi

clean:
	rm -rf build dist *.egg-info .pytest_cache .ruff_cache tests/e2e/screenshots

# The translation catalogs: extract every _() N_() ngettext() (babel.cfg says where), then merge the new strings into
# each language's .po (a new one is left untranslated, an old one that changed is marked fuzzy).
LOCALES := explainer/locales
LANGS   := es fr de pt_BR zh_CN
messages:
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-wrap --sort-by-file --add-location=file --project llm-explainer \
		-o $(LOCALES)/messages.pot .
	for lang in $(LANGS); do \
		if [ -f $(LOCALES)/$$lang/LC_MESSAGES/messages.po ]; then \
			$(BIN)/pybabel update -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang --no-wrap; \
		else \
			$(BIN)/pybabel init -i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang --no-wrap; \
		fi; \
	done
