# Relais: one binary, `relais`. `make run` and `make test` are the two commands of the README; both
# install what is missing first (tools/install-deps.sh).
#
# Layout of the build: $(B)/obj (objects), $(B)/gen (generated C: templates, migrations, assets),
# $(B)/relais, $(B)/tests/test_* (cmocka unit tests). `make SAN=1` builds the same into build-asan/
# with AddressSanitizer and UndefinedBehaviorSanitizer.

SAN ?= 0
ifeq ($(SAN),1)
B ?= build-asan
# What libraries keep for the life of the process is not a leak of ours (tests/lsan.supp).
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT := -O1
else
B ?= build
SANFLAGS :=
OPT := -O2
endif

CC ?= gcc
PKGS := libmicrohttpd sqlite3 libpq jansson libsodium libcurl libutf8proc pangocairo cairo-pdf fontconfig \
        xlsxwriter
# Markdown of resources (src/ressources/markdown.c).
PKGS += libcmark
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wvla -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes
CFLAGS := -std=c17 -D_GNU_SOURCE -g $(OPT) $(WARN) $(SANFLAGS) -Isrc -I$(B)/gen \
          -include src/core/prelude.h $(PKG_CFLAGS) -MMD -MP
LDFLAGS := $(SANFLAGS) -pthread
LDLIBS := $(PKG_LIBS) -lcsv -lm
# Snowball stemmers for search (src/search); Debian's libstemmer-dev has no pkg-config file.
LDLIBS += -lstemmer
# libmagic has no pkg-config file: uploaded files (ressources) and attachments (orientation) are
# sniffed with it.
LDLIBS += -lmagic

SRCS := $(shell find src -name '*.c' | sort)
TPLS := $(shell find src -name '*.tpl' | sort)
MIGRATIONS := $(sort $(wildcard src/db/migrations/*.sql))
GEN_C := $(TPLS:src/%.tpl=$(B)/gen/%.tpl.c) $(B)/gen/migrations.c $(B)/gen/assets.c
GEN_H := $(TPLS:src/%.tpl=$(B)/gen/%.tpl.h) $(B)/gen/assets.h
OBJS := $(SRCS:src/%.c=$(B)/obj/%.o) $(GEN_C:$(B)/gen/%.c=$(B)/obj/gen/%.o)
LIB_OBJS := $(filter-out $(B)/obj/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(B)/tests/%)

# The printed guide's font (src/lieux/guide.h): Atkinson Hyperlegible, which npm ships as WOFF2
# only, converted to TrueType for pango (woff2_decompress, Debian package woff2).
GUIDE_FONT_SRC := node_modules/@fontsource/atkinson-hyperlegible/files
GUIDE_FONTS := $(foreach v,latin-400-normal latin-700-normal latin-ext-400-normal \
                 latin-ext-700-normal,$(B)/fonts/atkinson-hyperlegible-$(v).ttf)

# Generated sources are kept between runs, so that a second `make` rebuilds nothing.
.SECONDARY: $(GEN_C) $(GEN_H)

.PHONY: all deps build run test test-unit test-http test-browser test-conformance test-asan fuzz \
        fuzz-smoke bench \
        clean format assets

all: build

deps:
	@sh tools/install-deps.sh

build: $(B)/relais $(GUIDE_FONTS)

$(B)/relais: $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/fonts/%.ttf: $(GUIDE_FONT_SRC)/%.woff2
	@mkdir -p $(dir $@)
	cp $< $(@:.ttf=.woff2)
	woff2_decompress $(@:.ttf=.woff2) >/dev/null
	@rm -f $(@:.ttf=.woff2)

$(B)/librelais.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(B)/obj/%.o: src/%.c | $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(B)/obj/gen/%.o: $(B)/gen/%.c | $(GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-unused-parameter -c -o $@ $<

# Build tools run on the build machine, never sanitised.
$(B)/tools/tplc: tools/tplc.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE -O2 -g $(WARN) -o $@ $<

$(B)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE -O2 -g $(WARN) -o $@ $<

$(B)/gen/%.tpl.c $(B)/gen/%.tpl.h: src/%.tpl $(B)/tools/tplc
	@mkdir -p $(dir $@)
	$(B)/tools/tplc $< $(B)/gen/$*.tpl.c $(B)/gen/$*.tpl.h

$(B)/gen/migrations.c: $(MIGRATIONS) $(B)/tools/embed
	@mkdir -p $(dir $@)
	$(B)/tools/embed migrations $@ $(MIGRATIONS)

# The theme: GOV.UK Frontend compiled with sass in Relais's colours, the font, Leaflet and our own
# JS, copied to web/dist with a content fingerprint; assets.c/.h name the fingerprinted files.
$(B)/gen/assets.c $(B)/gen/assets.h: tools/build-assets.sh $(shell find web/scss web/js -type f 2>/dev/null) package-lock.json
	@mkdir -p $(B)/gen
	sh tools/build-assets.sh $(B)/gen

assets: $(B)/gen/assets.c

$(B)/tests/%: tests/unit/%.c $(B)/librelais.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -o $@ $< $(B)/librelais.a $(LDFLAGS) $(LDLIBS) -lcmocka

run: deps build
	sh tools/run-demo.sh $(B)/relais

test: deps
	sh tests/run-all.sh

test-unit: build $(UNIT_BINS)
	sh tests/run-unit.sh $(B)

test-http: build
	RELAIS_BIN=$(B)/relais node --test --test-concurrency=1 tests/http/

test-browser: build
	RELAIS_BIN=$(B)/relais node --test --test-concurrency=1 tests/browser/

# Relais against the reference implementations of the field, in node: the places standard's
# library and opening_hours.js, on the real files.
test-conformance: build
	RELAIS_BIN=$(B)/relais node --test --test-concurrency=1 tests/conformance/

test-asan:
	$(MAKE) SAN=1 test-unit test-http

fuzz:
	$(MAKE) -C fuzz run SECONDS=$${SECONDS:-600}

fuzz-smoke:
	$(MAKE) -C fuzz run SECONDS=$${FUZZ_SECONDS:-15}

bench: deps build
	sh bench/http/run.sh $(B)/relais

format:
	clang-format -i $(SRCS) $(shell find src -name '*.h') $(UNIT_SRCS)

clean:
	rm -rf build build-asan web/dist

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)
