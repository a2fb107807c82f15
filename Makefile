# The two commands: `make up` runs the whole platform, `make test` runs every test.
# Both work on a fresh clone: they create .venv, install, migrate and check the broker.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PACKAGES := -e libs/contracts -e libs/chassis -e libs/testing -e services/contacts -e services/sales -e services/marketing -e services/support -e services/reporting -e gateway -e cli
SERVICES := services/contacts services/sales services/marketing services/support services/reporting
SERVICE_CLASSES := contacts.service:ContactsService sales.service:SalesService \
	marketing.service:MarketingService support.service:SupportService \
	reporting.service:ReportingService
export CRM_DATA_DIR ?= $(CURDIR)/var

.PHONY: up test install migrate broker demo lint bench clean

up: install broker migrate
	@$(BIN)/python -m gateway.manage ensure-admin
	@echo "CRM gateway: http://$${CRM_GATEWAY_HOST:-127.0.0.1}:$${CRM_GATEWAY_PORT:-8000}  (API docs at /api/docs)"
	@if [ -n "$(DEMO)" ]; then scripts/load-demo & fi; \
	exec $(BIN)/honcho start -f Procfile

test: install
	@scripts/ensure-broker --management
	$(BIN)/nameko test -q libs/chassis/tests $(addsuffix /tests,$(SERVICES))
	$(BIN)/pytest -q libs/contracts/tests gateway/tests cli/tests tests

install: $(VENV)/.installed

$(VENV)/.installed: constraints.txt requirements.txt requirements-dev.txt */pyproject.toml libs/*/pyproject.toml services/*/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt $(PACKAGES) -r requirements.txt -r requirements-dev.txt
	@touch $@

broker:
	@scripts/ensure-broker

migrate: install
	$(BIN)/python -m crm_chassis.migrations $(SERVICES)
	$(BIN)/python -m gateway.manage migrate
	$(BIN)/python -m crm_chassis.declare $(SERVICE_CLASSES)

demo: install
	$(BIN)/crm demo

lint: install
	$(BIN)/ruff check .

bench: install broker
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
