# Makefile - builds, installs and tests the custom_dialing extension (PGXS).

PG_CONFIG ?= pg_config

EXTENSION = custom_dialing
MODULE_big = custom_dialing

CORE_OBJS = src/core/cd_e164.o src/core/cd_csv.o src/core/cd_geo.o src/core/cd_exch.o src/core/cd_near.o \
	src/core/cd_route.o src/core/cd_pace.o src/core/cd_window.o
GLUE_OBJS = src/module.o src/errors.o src/type.o src/cache.o \
	src/area_codes.o src/exchanges.o src/pool_api.o src/routing.o src/pacing.o src/owner_binding.o \
	src/calling_windows.o
OBJS = $(CORE_OBJS) $(GLUE_OBJS)

# Install and upgrade scripts are built from src/sql/*.sql.in and the shipped
# data, so the geography a fresh CREATE EXTENSION loads is exactly data/'s.
# The 1.0 script is built as released, from its source and the 1.0 area-code
# CSV kept in data/1.0/ (test/check_versions.sh checks its checksum); 1.1's
# are built by build_script.sh, which embeds data files and includes the
# fragments of src/sql/1.1/ shared by the fresh and the upgrade script.
# The shipped CSV is installed too (as custom_dialing_nanp_area_codes.csv in
# the extension directory), so an administrator can go back to it with
# refresh_area_codes(pg_read_file(...)); the shipped exchange CSV likewise
# (custom_dialing_nanp_exchanges.csv, for refresh_exchanges).
CD_SCRIPTS = custom_dialing--1.0.sql custom_dialing--1.1.sql custom_dialing--1.0--1.1.sql
CD_CALLING_CSVS = custom_dialing_calling_rules.csv custom_dialing_calling_holidays.csv
CD_DATA_CSVS = custom_dialing_nanp_area_codes.csv custom_dialing_nanp_exchanges.csv $(CD_CALLING_CSVS)
DATA_built = $(CD_SCRIPTS) $(CD_DATA_CSVS)
EXTRA_CLEAN = $(CD_SCRIPTS) $(CD_DATA_CSVS) test/bin fuzz/bin

SHLIB_LINK = -luuid
# The server's headers count as system headers, so -Wextra (which CI passes
# in COPT) judges our code and not theirs.
PG_CPPFLAGS = -I$(srcdir)/src/core -isystem $(shell $(PG_CONFIG) --includedir-server)

REGRESS = type normalize tables pool_api security routing refresh calling_hours coverage cache exchanges pacing dial applications owner_binding calling_window
REGRESS_OPTS = --load-extension=custom_dialing
ISOLATION = cache_invalidation geography_refresh geography_readers repeatable_read parallel_snapshot pool_races extension_recreate exchange_refresh pacing_caps owner_binding_sessions calling_rules_invalidation
ISOLATION_OPTS = --load-extension=custom_dialing
TAP_TESTS = 1

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

custom_dialing--1.0.sql: src/sql/custom_dialing--1.0.sql.in data/1.0/nanp_area_codes.csv src/sql/embed_csv.sh
	sh $(srcdir)/src/sql/embed_csv.sh $(srcdir)/src/sql/custom_dialing--1.0.sql.in $(srcdir)/data/1.0/nanp_area_codes.csv > $@.tmp
	mv $@.tmp $@

# what a 1.1 script may include or embed
SCRIPT_INPUTS = src/sql/build_script.sh $(wildcard src/sql/1.1/*.sql) data/nanp_area_codes.csv \
	data/nanp_exchanges.csv data/calling_rules.csv data/calling_holidays.csv

custom_dialing--1.1.sql custom_dialing--1.0--1.1.sql: %.sql: src/sql/%.sql.in $(SCRIPT_INPUTS)
	sh $(srcdir)/src/sql/build_script.sh $(srcdir)/src/sql/$@.in > $@.tmp
	mv $@.tmp $@

custom_dialing_nanp_area_codes.csv: data/nanp_area_codes.csv
	cp $< $@

custom_dialing_nanp_exchanges.csv: data/nanp_exchanges.csv
	cp $< $@

# the shipped calling rules and holidays, for reading beside the tables
custom_dialing_calling_%.csv: data/calling_%.csv
	cp $< $@

# ---- PGXN distribution: make dist ----
# custom_dialing-X.Y.Z.zip of the committed tree (HEAD), named after
# META.json's version; files marked export-ignore in .gitattributes (CI
# configuration) stay out, and build outputs and test logs are never
# committed.  test/dist.sh lists and checks its contents.
DIST_VERSION = $(shell sed -n 's/^   "version": "\([^"]*\)".*/\1/p' $(srcdir)/META.json | head -1)
DIST = $(EXTENSION)-$(DIST_VERSION)
.PHONY: dist
dist:
	git -C $(srcdir) archive --format=zip --prefix=$(DIST)/ -o $(abspath $(DIST).zip) HEAD

# ---- pure-core unit tests and fuzzing, no server needed ----
UNIT_CC ?= clang-14
SAN_FLAGS = -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UNIT_TESTS = test_e164 test_geo test_exch test_route test_pace test_window
CORE_SRCS = src/core/cd_e164.c src/core/cd_csv.c src/core/cd_geo.c src/core/cd_exch.c src/core/cd_near.c \
	src/core/cd_route.c src/core/cd_pace.c src/core/cd_window.c

test/bin/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
	@mkdir -p test/bin
	$(UNIT_CC) $(SAN_FLAGS) -Wall -Wextra -Werror -Isrc/core -Itest/unit -o $@ $< $(CORE_SRCS) -lm

test/bin/%-plain: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
	@mkdir -p test/bin
	gcc -g -O1 -Wall -Wextra -Werror -Isrc/core -Itest/unit -o $@ $< $(CORE_SRCS) -lm

.PHONY: unittest unittest-valgrind fuzz fuzz-build
unittest: $(addprefix test/bin/,$(UNIT_TESTS))
	@for t in $(UNIT_TESTS); do ./test/bin/$$t || exit 1; done

unittest-valgrind: $(addprefix test/bin/,$(addsuffix -plain,$(UNIT_TESTS)))
	@for t in $(UNIT_TESTS); do valgrind -q --error-exitcode=1 --leak-check=full ./test/bin/$$t-plain || exit 1; done

FUZZ_TARGETS = fuzz_e164 fuzz_normalize fuzz_csv fuzz_exch_csv
# the CSV parsers: test/run_all.sh gives them FUZZ_CSV_SECONDS, not FUZZ_SECONDS
FUZZ_CSV_TARGETS = fuzz_csv fuzz_exch_csv
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
fuzz/bin/%: fuzz/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard fuzz/*.h)
	@mkdir -p fuzz/bin
	$(UNIT_CC) $(FUZZ_FLAGS) -Isrc/core -o $@ $< $(CORE_SRCS) -lm

fuzz-build: $(addprefix fuzz/bin/,$(FUZZ_TARGETS))

# FUZZ_SECONDS per target; `make fuzz FUZZ_SECONDS=600` for a longer run
FUZZ_SECONDS ?= 20
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t.work; \
	  ./fuzz/bin/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    fuzz/corpus/$$t.work fuzz/corpus/$$t || exit 1; \
	done
