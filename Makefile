# OneFunnel: `make run` serves the app (demo company on first start), `make test` runs every test.
PY      := .venv/bin/python
STAMP   := .venv/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
PORT    ?= 8501

.PHONY: install run test bench browser demo clean

$(STAMP): requirements.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@rm -f .venv/.installed-* && touch $(STAMP)

install: $(STAMP)

browser:
	@scripts/ensure-chromium

run: install browser
	$(PY) -m onefunnel demo --if-empty
	$(PY) -m onefunnel.serve --server.port $(PORT)

test: install browser
	$(PY) -m pytest

bench: install browser
	$(PY) -m bench
	$(PY) -m bench.load --million --sessions 8 32

demo: install
	$(PY) -m onefunnel demo

clean:
	rm -rf data/onefunnel.duckdb data/onefunnel.duckdb.wal data/.onefunnel.duckdb.console data/demo data/bench test-artifacts
