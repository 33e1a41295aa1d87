# Every task of the project; CI (.ci/run) calls these same targets so none of them rots.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONFIG ?= config.toml
SOURCES := bot.py config.py handlers jobs conversations domain services runtime sample sandbox storage locales telegram_stub
KEYWORDS := -k t -k tn:1,2 -k N_

.PHONY: install run demo migrate test lint fmt typecheck check i18n-extract i18n-update i18n-add \
	i18n-compile bench clean

install: $(STAMP)  ## virtual environment with the pinned dependencies

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(CONFIG):
	cp config.example.toml $(CONFIG)
	@echo "created $(CONFIG) from config.example.toml: set the token (GEMPUR_TELEGRAM_TOKEN)"

migrate: install $(CONFIG)  ## bring the database schema up to date
	$(BIN)/python bot.py migrate --config $(CONFIG)

run: migrate  ## set up and run the bot (SQLite by default)
	$(BIN)/python bot.py run --config $(CONFIG)

demo: install  ## the sandbox: the bot on the stand-in, a sample database, a web chat page
	$(BIN)/python bot.py demo

# pytest's exit code 5 (no test collected) means a broken suite here, never a pass: say so.
test: install  ## the whole test suite (PostgreSQL tiers need GEMPUR_TEST_POSTGRES_URL)
	@$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: the suite is broken" >&2; fi; \
	exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: install
	$(BIN)/mypy .

check: lint typecheck test

i18n-extract: install  ## collect message keys from the code into locales/messages.pot
	$(BIN)/pybabel extract -F babel.cfg $(KEYWORDS) --no-default-keywords --no-location \
		--sort-output --project Gempur -o locales/messages.pot $(SOURCES)

i18n-update: i18n-extract  ## add new keys to every catalogue (then translate them)
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-location \
		--ignore-obsolete --no-fuzzy-matching
	@# pybabel rewrites the header; Indonesian has one plural form.
	sed -i 's/^"Plural-Forms: .*"$$/"Plural-Forms: nplurals=1; plural=0;\\n"/' \
		locales/id/LC_MESSAGES/messages.po

i18n-add: install  ## append translated entries: make i18n-add FILE=new.tsv (key, id, en)
	$(BIN)/python -m locales.add_messages $(FILE)

i18n-compile: install  ## compile .po to .mo (the bot also compiles stale catalogues in memory)
	$(BIN)/pybabel compile -d locales -D messages --statistics

bench: install
	@ls bench/*.py >/dev/null 2>&1 && for b in bench/*.py; do $(BIN)/python $$b; done || echo "no benchmarks yet"

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
