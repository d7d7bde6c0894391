# Two commands for a newcomer: `make run` and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HOST   ?= 127.0.0.1
PORT   ?= 5000
VENDOR := app/static/vendor

.PHONY: run test lint assets translations translations-update venv dev-venv db demo serve clean pytest-sqlite pytest-postgres

run: venv assets translations db demo serve ## virtualenv, assets, migrations, demo data, serve

test: dev-venv assets translations lint pytest-sqlite pytest-postgres ## everything the tests need, lint, the suite

$(BIN)/activate:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

dev-venv: $(VENV)/.installed-dev

# Front-end assets from npm (pinned in package-lock.json), served from our
# own static folder: government intranets are offline, no CDN.
$(VENDOR)/.copied: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/bootstrap $(VENDOR)/echarts $(VENDOR)/htmx $(VENDOR)/tom-select
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/tom-select/dist/js/tom-select.complete.min.js node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css $(VENDOR)/tom-select/
	touch $@

assets: $(VENDOR)/.copied

translations: venv
	$(BIN)/pybabel compile -d app/translations

db: venv
	$(FLASK) db upgrade
	$(FLASK) seed-reference

demo: venv
	$(FLASK) seed-demo --if-empty

serve:
	@echo ""
	@echo "  招商线索管理系统: http://$(HOST):$(PORT)/"
	@echo "  演示账号 (密码均为 zhaoshang-demo):"
	@echo "    admin   管理员"
	@echo "    leader  领导（常务副区长）"
	@echo "    staff   招商人员（东城街道）"
	@echo "    viewer  督查/只读"
	@echo "    bureau  投资促进局招商科（可审核投资月报）"
	@echo "    zjj     审批部门（区住房和城乡建设局）"
	@echo ""
	@echo "  消息发送进程 flask notify-worker 在后台运行（随本进程退出）"
	@$(FLASK) notify-worker --interval 15 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: dev-venv
	$(BIN)/ruff check app tests migrations bench scripts config.py wsgi.py

pytest-sqlite: dev-venv
	env -u TEST_DATABASE_URL $(BIN)/pytest -q

# Runs only when TEST_DATABASE_URL points at a PostgreSQL database. The browser
# journeys run their own SQLite copy of the demo, so the SQLite pass covers them.
pytest-postgres: dev-venv
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== PostgreSQL: $$TEST_DATABASE_URL"; $(BIN)/pytest -q --ignore=tests/browser; \
	else echo "TEST_DATABASE_URL not set: PostgreSQL run skipped"; fi

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache

# Benchmark at 1k, 10k and 100k leads on SQLite and, when BENCH_DATABASE_URL
# or a local PostgreSQL answers, on PostgreSQL (gunicorn + locust too);
# not part of `make test`. BENCH_ARGS narrows it, e.g. BENCH_ARGS="--sizes S,L".
# See docs/performance.md.
.PHONY: bench
bench: venv
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python -m bench.run $(BENCH_ARGS)

translations-update: venv ## re-extract UI strings into the English catalog
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o /tmp/zs-messages.pot .
	$(BIN)/pybabel update -i /tmp/zs-messages.pot -d app/translations --no-fuzzy-matching

# The initial migration (0001) is released: a schema change is a new
# migration (`$(FLASK) db migrate -m "…"`, then read and test it), never an
# edit of an old one.

# PNGs of the main pages from a fresh demo district into docs/screenshots/
# (Playwright is a dev requirement; needs Debian's chromium and fonts-noto-cjk,
# and chromium-l10n for Chinese date pickers).
screenshots: dev-venv assets translations
	$(BIN)/python scripts/screenshots.py
