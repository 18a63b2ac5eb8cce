# De två kommandona i README: `make lagesbild` och `make test`.
# Båda skapar .venv med de låsta versionerna i requirements.lock först.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installerad

.PHONY: lagesbild test install demo benchmark lint clean jupyter

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 krävs, hittade " + sys.version'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

# `make lagesbild AR=2023` gör lägesbilden för ett valt år (standard: senaste).
# make har en inbyggd variabel AR (= ar, arkivprogrammet): bara ett AR som användaren
# anger på kommandoraden eller i miljön är ett år.
YEAR_ARG = $(if $(filter command line environment,$(origin AR)),--ar $(AR))
lagesbild: $(STAMP)
	$(BIN)/trygghet build $(YEAR_ARG) && $(BIN)/trygghet notebooks

# JupyterLab i notebooks/ (kör `make lagesbild` först så att data/processed/ finns).
jupyter: $(STAMP)
	cd notebooks && ../$(BIN)/jupyter lab

# Testerna körs på alla kärnor (pytest-xdist); en enskild fil: .venv/bin/python -m pytest tests/FIL
test: $(STAMP)
	$(BIN)/python -m pytest -n auto

demo: $(STAMP)
	$(BIN)/trygghet demo

benchmark: $(STAMP)
	$(BIN)/python benchmarks/bench_estimates.py

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV)
