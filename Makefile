# Parcours client — the two commands of the quick start are `make lab` and `make test`.
# Works on Linux and macOS with Python 3.11+ and make. Windows: see the conda route in README.md.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8888
# NO_BROWSER=1 starts JupyterLab without opening a browser (for servers, CI, remote machines).
NO_BROWSER ?=
LAB_FLAGS ?=
# Jupyter refuses to run as root unless told to (containers, CI).
ROOT_FLAG := $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)
PYTEST_ARGS ?=
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: install lab test lint unit notebooks execute clean data help site printables wheelhouse

help:
	@echo "make lab      installe le kit dans .venv et ouvre JupyterLab sur le cours"
	@echo "make test     installe le kit puis lance toute la suite (ruff, tests, notebooks)"
	@echo "make execute  ré-exécute et enregistre tous les notebooks (contributeurs)"
	@echo "make data     régénère les tables de data/ avec le simulateur"
	@echo "make site        construit le cours en site web statique dans _site/ (hors ligne)"
	@echo "make printables  écrit les fiches persona et la carte de parcours vierge (PDF) dans printables/"
	@echo "make wheelhouse  télécharge dans wheelhouse/ toutes les roues du kit (Linux, macOS, Windows)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP)

lab: install
	$(BIN)/jupyter lab notebooks/00_bienvenue.ipynb --ServerApp.root_dir=. --port=$(PORT) $(if $(NO_BROWSER),--no-browser) $(ROOT_FLAG) $(LAB_FLAGS)

lint: install
	$(BIN)/ruff check parcours_helpers tests benchmarks

test: lint
	MPLBACKEND=Agg $(BIN)/python -m pytest tests parcours_helpers notebooks exercises --doctest-modules $(NBVAL) $(PYTEST_ARGS)

execute: install
	MPLBACKEND=Agg $(BIN)/python -m parcours_helpers.execute notebooks exercises

data: install
	$(BIN)/python -m parcours_helpers.simulation --out data

site: install
	$(BIN)/python -m parcours_helpers.site --out _site

printables: install
	MPLBACKEND=Agg $(BIN)/python -m parcours_helpers.printables --out printables

# WHEELHOUSE_ARGS="--system windows --python 3.12" to download less
wheelhouse: install
	$(BIN)/python -m parcours_helpers.wheelhouse --out wheelhouse $(WHEELHOUSE_ARGS)

clean:
	rm -rf $(VENV) *.egg-info
