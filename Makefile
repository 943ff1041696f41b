# Relais — one plain Makefile.
#   make            build ./relais (optimised)
#   make run        install what is missing, build, create relais.db with demo
#                   data and trained triage models if absent, and serve on
#                   http://127.0.0.1:8080
#   make test       build with ASan+UBSan and run unit, API, browser and
#                   durability tests; ends with "N passed, N failed"
#   make bench      run the benchmarks in bench/
#   make fuzz       build the libFuzzer targets of tests/fuzz/ and run each
#                   for FUZZ_SECONDS (default 60) from its seed corpus
CC      ?= cc
SHELL   := /bin/bash
PKGS    := sqlite3 libmicrohttpd jansson libsodium libutf8proc libcmark
# LIBLINEAR and Snowball ship no pkg-config file.
EXTRA_LIBS := -llinear -lstemmer -lm
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) -g -pthread
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) $(EXTRA_LIBS)

OPT_CFLAGS  := -O2
SAN_CFLAGS  := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined

DB     ?= relais.db
LISTEN ?= 127.0.0.1:8080

# Every module folder under src/ (one level) and the demo generator.
SRC_LIB := $(sort $(wildcard src/*/*.c demo/*.c))
SRC_MAIN := src/main.c
# web/ with its sub-folders; the embed step keeps the paths.
WEB_FILES := $(sort $(shell find web -type f))
GEN_WEB := build/gen/web_assets.c
# The demo's knowledge base, embedded the same way.
KB_FILES := $(sort $(wildcard demo/kb/*.md))
GEN_KB := build/gen/demo_kb.c

OBJ_REL := $(patsubst %.c,build/rel/%.o,$(SRC_LIB) $(SRC_MAIN)) build/rel/gen/web_assets.o build/rel/gen/demo_kb.o
OBJ_SAN := $(patsubst %.c,build/san/%.o,$(SRC_LIB)) build/san/gen/web_assets.o build/san/gen/demo_kb.o

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,build/san/tests/%,$(UNIT_SRC))

.PHONY: all run test unit test-bin lint deps deps-test bench fuzz fuzz-bin clean
all: relais

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

relais: $(OBJ_REL)
	$(CC) $(CFLAGS_BASE) $(OPT_CFLAGS) -o $@ $^ $(PKG_LIBS)

build/relais-san: $(OBJ_SAN) build/san/src/main.o
	$(CC) $(CFLAGS_BASE) $(SAN_CFLAGS) -o $@ $^ $(PKG_LIBS)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(SAN_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/rel/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT_CFLAGS) -Isrc -I. -c -o $@ $<

build/san/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(SAN_CFLAGS) -Isrc -I. -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) $(CFLAGS_BASE) -O1 -o $@ $<

$(GEN_WEB): build/embed $(WEB_FILES)
	@mkdir -p $(dir $@)
	build/embed $@ $(WEB_FILES)

$(GEN_KB): build/embed $(KB_FILES)
	@mkdir -p $(dir $@)
	build/embed -t demo_kb_files -i demo/demo_int.h -T demo_file_t $@ $(KB_FILES)

build/san/tests/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(OBJ_SAN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(SAN_CFLAGS) $(PKG_CFLAGS) -Isrc -o $@ $< $(OBJ_SAN) $(PKG_LIBS) -lcmocka

run: deps
	@$(MAKE) --no-print-directory relais
	@if [ ! -f "$(DB)" ]; then ./relais demo --db "$(DB)" && ./relais train --db "$(DB)"; fi
	./relais serve --db "$(DB)" --listen "$(LISTEN)"

test-bin: build/relais-san $(UNIT_BIN)

# The one-way module dependencies (tools/layers.sh), then clang-tidy with
# the checks of .clang-tidy, every warning an error.
LINT_SRC := $(SRC_LIB) $(SRC_MAIN) tools/embed.c
lint:
	@tools/layers.sh
	@for f in $(filter %.js,$(WEB_FILES)); do node --input-type=module --check <$$f || { echo "lint: $$f does not parse"; exit 1; }; done
	@echo "lint: clang-tidy on $(words $(LINT_SRC)) files"
	@clang-tidy --quiet $(LINT_SRC) -- $(CFLAGS_BASE) $(PKG_CFLAGS) -Isrc 2>&1 \
	  | grep -v '^[0-9]* warnings\? generated\.$$' ; test $${PIPESTATUS[0]} -eq 0

test: deps-test
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-bin fuzz-bin
	@tests/run.sh

# libFuzzer targets: the whole library built again with clang, coverage
# instrumentation and ASan+UBSan; each target links its own main
# (libFuzzer's). tests/fuzz/run.sh runs them.
FUZZ_CC := clang
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
               -fno-sanitize-recover=undefined
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/bin/%,$(FUZZ_SRC))
OBJ_FUZZ := $(patsubst %.c,build/fuzz/%.o,$(SRC_LIB)) build/fuzz/gen/web_assets.o build/fuzz/gen/demo_kb.o
FUZZ_SECONDS ?= 60
# Kept between builds (pattern-rule prerequisites would be deleted).
.SECONDARY: $(OBJ_FUZZ)

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_BASE) -O1 -Isrc -I. -c -o $@ $<

build/fuzz/bin/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(OBJ_FUZZ)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CFLAGS_BASE) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -Isrc -o $@ $< \
	  $(OBJ_FUZZ) $(PKG_LIBS)

fuzz-bin: $(FUZZ_BIN)

fuzz: deps-test
	@$(MAKE) --no-print-directory fuzz-bin
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

bench: relais
	@scripts/deps.sh bench
	bench/api.sh

clean:
	rm -rf build relais

-include $(shell find build -name '*.d' 2>/dev/null)
