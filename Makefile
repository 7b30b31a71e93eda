# Teamplan: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.requirements-installed
export FLASK_APP := app

.PHONY: run test setup translations lint format clean-db load

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: setup
	$(BIN)/pytest -q

setup: $(STAMP) translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# The compiled .mo files are not in git: compile them on every setup (takes a moment).
translations: $(STAMP)
	$(BIN)/pybabel -q compile -d translations

# Re-extract msgids after changing texts, then translate the new ones in translations/sv.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l --no-location --sort-output -o /tmp/teamplan.pot .
	$(BIN)/pybabel update -i /tmp/teamplan.pot -d translations --ignore-obsolete

# 50 simulated tablets browse the board and claim visits for 2 minutes against gunicorn and
# PostgreSQL on loopback (database teamplan_load, dropped and created); figures in bench-out/.
load: setup
	$(BIN)/python bench/load.py --duration 120 --tablets 50

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Start over with an empty development database (the demo is loaded again by `make run`).
clean-db:
	rm -f instance/teamplan.db
