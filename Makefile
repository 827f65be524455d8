# The two commands: `make reports` (write all reports) and `make test` (run every test).
# Each creates .venv with the pinned dependencies on first use; nothing else is needed but Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup reports test lab lab-copies benchmark benchmark-runner benchmark-extract clean

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

# JupyterLab on working copies in $(LAB_DIR)/ (not kept in git): Lab autosaves, and a study saved there never
# changes the tracked notebooks/ that `make reports` runs. A copy is made only when absent, so edits are kept;
# delete lab/NN-name.ipynb to get a fresh copy of that study.
LAB_DIR ?= lab

lab: setup lab-copies
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR)

lab-copies:
	@mkdir -p $(LAB_DIR)
	@for nb in notebooks/[0-9][0-9]-*.ipynb; do \
		copy="$(LAB_DIR)/$${nb##*/}"; \
		if [ ! -e "$$copy" ]; then cp "$$nb" "$$copy" && echo "$$copy: fresh copy of $$nb"; \
		elif ! cmp -s "$$nb" "$$copy"; then echo "$$copy: kept, differs from $$nb (delete it for a fresh copy)"; fi; \
	done

benchmark: setup
	$(BIN)/python benchmarks/bench_library.py

benchmark-runner: setup
	$(BIN)/python benchmarks/bench_runner.py

# The extractor's speed on a long document, and JioNLP's extract_money beside it on the seeds (optional extra).
benchmark-extract: setup
	$(BIN)/python -m pip install --quiet -c requirements-lock.txt -e ".[benchmark]"
	$(BIN)/python benchmarks/bench_extract.py

clean:
	rm -rf $(VENV) reports .pytest_cache
