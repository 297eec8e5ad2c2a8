# Two commands on a fresh machine: `make demo` and `make test`.
# The venv is built on Python 3.12 (spaCy 3.8 + numpy 2 + pandas + pyarrow install together there;
# on 3.11 medspaCy 1.3.1 pins spaCy < 3.8 and numpy < 2). Versions are pinned in constraints.txt.
# First candidate that really runs Python 3.12 (a pyenv shim may exist without the version being active).
PYTHON312 ?= $(shell for p in $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12.*/bin/python3.12 python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1 && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON312)" || { echo "Python 3.12 not found: install it or run make PYTHON312=/path/to/python3.12" >&2; exit 2; }
	test -x $(BIN)/python || $(PYTHON312) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev,spark]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/notes-audit scan --out out
	@echo "Report written under $(CURDIR)/out/ (findings.html to read, findings.xlsx to review, findings.jsonl/.csv, summary.json)"

test: $(STAMP)
	$(BIN)/python -m pytest

# Throughput, claim-driven savings, memory, workers, pathological input (about 10 minutes on 2 cores);
# the table goes to stdout, the measurements to out/bench.json. `notes-audit bench --quick` is the short run.
bench: $(STAMP)
	$(BIN)/notes-audit bench --json out/bench.json

clean:
	rm -rf $(VENV) out build *.egg-info
