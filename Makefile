# The two commands: `make reports` (write all reports) and `make test` (run every test).
# Each creates .venv with the pinned dependencies on first use; nothing else is needed but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup reports test lab benchmark benchmark-runner clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements-lock.txt -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name investment-notebooks \
		--display-name "Python (investment notebooks)" >/dev/null
	@touch $@

reports: setup
	$(BIN)/investment-reports

test: setup
	$(BIN)/python -m pytest

lab: setup
	$(BIN)/jupyter lab --notebook-dir=notebooks

benchmark: setup
	$(BIN)/python benchmarks/bench_library.py

benchmark-runner: setup
	$(BIN)/python benchmarks/bench_runner.py

clean:
	rm -rf $(VENV) reports .pytest_cache
