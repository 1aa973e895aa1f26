# Datong — the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT
SIZE   ?= small
export DATONG_DATA_DIR ?= $(CURDIR)/var

RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo serve test install install-test system-deps lint format openapi messages clean help

help:
	@echo "make demo   - install, migrate, load the demo alliance when empty, serve on :$(PORT)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make openapi | messages | format | lint | clean"

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	@touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/pip install -q -e ".[test]"
	@touch $@

install: $(RUN_STAMP)
install-test: $(TEST_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/datong load-demo --if-empty --size $(SIZE)
	$(BIN)/datong serve --port $(PORT)

serve: $(RUN_STAMP)
	$(BIN)/datong serve --port $(PORT)

# Debian packages the browser tests and PDF/CJK rendering need, installed only when missing.
system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null 2>&1 || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
		echo "Installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TEST_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: $(TEST_STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATONG_DATA_DIR=$(CURDIR)/var/test $(BIN)/python manage.py makemigrations --check --dry-run
	DATONG_DATA_DIR=$(CURDIR)/var/test $(BIN)/pytest

openapi: $(RUN_STAMP)
	DATONG_DATA_DIR=$(CURDIR)/var/test $(BIN)/python manage.py export_openapi --output docs/openapi.json

messages: $(RUN_STAMP)
	cd datong && ../$(BIN)/python ../manage.py makemessages -l zh_Hans -l en --no-obsolete --add-location file
	cd datong && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) var/test
