# The two commands of the README: `make run` (API + UI) and `make test` (lint + all tests).
VENV := .venv/bin

.PHONY: setup run test lint bench

setup:
	bash scripts/setup.sh

run: setup
	$(VENV)/credit-assistant serve

test: setup
	$(VENV)/ruff check .
	$(VENV)/mypy assistant corpus indexes connectors evals ui
	bash scripts/test.sh

lint: setup
	$(VENV)/ruff check .

bench: setup
	$(VENV)/python benchmarks/retrieval_bench.py
	$(VENV)/python benchmarks/records_bench.py
	$(VENV)/python benchmarks/load_bench.py
	$(VENV)/python benchmarks/encoder_bench.py
	$(VENV)/python benchmarks/scale_bench.py
