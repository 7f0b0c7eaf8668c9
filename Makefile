# OneFunnel: `make run` serves the app (demo company on first start), `make test` runs every test.
PY      := .venv/bin/python
STAMP   := .venv/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT    ?= 8501
# 127.0.0.1: this machine only. Another address needs sign-in ([auth] in .streamlit/secrets.toml) or
# ALLOW_OPEN=1, which says you mean to serve everything to everyone who reaches the port (README, Deploy).
HOST    ?= 127.0.0.1
ALLOW_OPEN ?=
# Host names (or addresses) browsers use to reach the app, besides localhost: the WebSocket refuses others
ALLOWED_HOSTS ?= $(ONEFUNNEL_ALLOWED_HOSTS)

.PHONY: install run test bench bench-10m browser java demo clean

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f .venv/.installed-* && touch $(STAMP)

install: $(STAMP)

browser:
	@scripts/ensure-chromium

java:
	@scripts/ensure-java

run: install browser
	$(PY) -m onefunnel demo --if-empty
	ONEFUNNEL_ALLOW_OPEN=$(ALLOW_OPEN) ONEFUNNEL_ALLOWED_HOSTS=$(ALLOWED_HOSTS) $(PY) -m onefunnel.serve --server.port $(PORT) --server.address $(HOST)

test: install browser java
	$(PY) -m pytest

bench: install browser java
	$(PY) -m bench
	$(PY) -m bench.spark
	$(PY) -m bench.load --million --sessions 8 32

# 10M leads / 50M touches (generated into data/bench/, never committed; about 6 GB of CSV and an hour)
bench-10m: install browser java
	$(PY) -m bench --leads 10000000 --touches 50000000 --rounds 1 --repeat 3
	$(PY) -m bench.load --leads 10000000 --touches 50000000 --sessions

demo: install
	$(PY) -m onefunnel demo

clean:
	rm -rf data/onefunnel.duckdb data/onefunnel.duckdb.wal data/.onefunnel.duckdb.console data/.onefunnel.duckdb.requests data/demo data/bench test-artifacts
