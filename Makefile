# moodtape: `make run` starts everything, `make test` checks everything. Both install what is
# missing first (scripts/setup.sh), so they are all a fresh Debian 12 machine needs.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
# Per-test limit for ctest, in seconds.
TEST_TIMEOUT ?= 300
# Parallel compile jobs (empty: ninja's default).
JOBS ?=
BUF := node_modules/.bin/buf
# Our C++ sources (generated code lives in the build tree and is not formatted).
CXX_DIRS := $(wildcard platform services tools tests bench clients)
CXX_SOURCES = $(shell find $(CXX_DIRS) -type f \( -name '*.cpp' -o -name '*.cc' -o -name '*.h' \) 2>/dev/null | sort)

.PHONY: setup build run test bench lint lint-proto format clean

setup:
	@scripts/setup.sh

# Configure once (Ninja, RelWithDebInfo; ccache is picked up by CMakeLists.txt), then build.
$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

build: $(BUILD_DIR)/build.ninja
	ninja -C $(BUILD_DIR) $(if $(JOBS),-j$(JOBS))

run: setup build
	exec $(BUILD_DIR)/bin/moodtape-launcher

test: setup build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j2 --timeout $(TEST_TIMEOUT)
	@$(MAKE) --no-print-directory lint-proto

# Every program under build/bench/bin writes build/bench/<name>.json (Google Benchmark flags).
bench: setup build
	@mkdir -p $(BUILD_DIR)/bench
	@shopt -s nullglob; progs=($(BUILD_DIR)/bench/bin/*); \
	if [ $${#progs[@]} -eq 0 ]; then echo "bench: no benchmark programs yet ($(BUILD_DIR)/bench/bin is empty)"; exit 0; fi; \
	for p in "$${progs[@]}"; do \
	  [ -x "$$p" ] || continue; name=$$(basename "$$p"); \
	  echo "== $$name"; \
	  "$$p" --benchmark_out="$(BUILD_DIR)/bench/$$name.json" --benchmark_out_format=json; \
	done; \
	echo "bench: results in $(BUILD_DIR)/bench/*.json"

# buf lint always; buf breaking against the previous commit once it has protos; clang-format.
lint: lint-proto
	@if git rev-parse -q --verify HEAD~1 >/dev/null 2>&1 && git cat-file -e HEAD~1:proto 2>/dev/null; then \
	  echo "buf breaking proto (against HEAD~1)"; \
	  $(BUF) breaking proto --against '.git#branch=main,ref=HEAD~1,subdir=proto'; \
	else echo "buf breaking: skipped (the previous commit has no proto/)"; fi
	clang-format --dry-run --Werror $(CXX_SOURCES)

lint-proto:
	@if [ ! -x $(BUF) ]; then scripts/setup.sh; fi
	$(BUF) lint proto

format:
	clang-format -i $(CXX_SOURCES)

# Removes the build tree only: var/ (data, logs, certificates) and node_modules/ stay.
clean:
	rm -rf $(BUILD_DIR)
