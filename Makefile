# pumpmond: build, install and test entry points. The logic lives in scripts/; this file only names it.
#
#   make install [PREFIX=/usr] [DESTDIR=]   release build, then binaries, systemd units, sysusers.d,
#                                           tmpfiles.d, shell completions and docs (Debian's places)
#   make test | demo | bench | fuzz         scripts/test, scripts/demo, scripts/bench, scripts/fuzz
#   make check-units                        static checks of the units (systemd-analyze verify, security)
#   make test-systemd                       the units under a real systemd in a throwaway root (root only)

PREFIX ?= /usr
DESTDIR ?=

.PHONY: all build install test demo bench fuzz check-units test-systemd

all: build

build:
	swift build -c release

install:
	PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)" scripts/install.sh

test:
	scripts/test

demo:
	scripts/demo

bench:
	scripts/bench

fuzz:
	scripts/fuzz

check-units:
	systemd/tests/static-checks.sh

test-systemd:
	systemd/tests/real-systemd-test.sh
