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
# The browser client (gateway/client) builds with Node 20+ and npm; without them the API runs alone.
CLIENT := gateway/client
CLIENT_SOURCES := $(shell find $(CLIENT)/src $(CLIENT)/public $(CLIENT)/scripts -type f \
	! -name schema.d.ts 2>/dev/null) $(wildcard $(CLIENT)/*.json $(CLIENT)/*.ts $(CLIENT)/*.html) \
	$(wildcard gateway/gateway/*.py gateway/gateway/api/*.py)
NODE_OK := $(shell node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' \
	2>/dev/null && command -v npm >/dev/null && echo yes)

.PHONY: up test install migrate broker demo lint bench clean client client-test

up: install broker migrate client
	@$(BIN)/python -m gateway.manage ensure-admin
	@echo "CRM gateway: http://$${CRM_GATEWAY_HOST:-127.0.0.1}:$${CRM_GATEWAY_PORT:-8000}  (API docs at /api/docs)"
	@if [ -n "$(DEMO)" ]; then scripts/load-demo & fi; \
	exec $(BIN)/honcho start -f Procfile

test: install client client-test
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

ifeq ($(NODE_OK),yes)
client: $(CLIENT)/dist/index.html

client-test: $(CLIENT)/node_modules/.package-lock.json
	cd $(CLIENT) && npx vitest run

$(CLIENT)/node_modules/.package-lock.json: $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --no-audit --no-fund

# Its types come from the gateway's OpenAPI document: an API change rebuilds (and type-checks) it.
$(CLIENT)/dist/index.html: $(CLIENT)/node_modules/.package-lock.json $(CLIENT_SOURCES) | install
	cd $(CLIENT) && PYTHON=$(CURDIR)/$(BIN)/python npm run build
else
client client-test:
	@echo "Node 20+ and npm are missing: the browser client is not built (the API runs without it)."
endif

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
