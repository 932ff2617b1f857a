#!/bin/sh
# quickstart.sh -- install what is missing, build, then serve or test.
#
#   ./quickstart.sh run     build and serve conf/ocsdnsd.ini in the foreground
#   ./quickstart.sh check   build with -Werror and run the whole test suite,
#                           then again built with ASan and UBSan (build-asan/),
#                           and the tests that run threads with TSan
#                           (build-tsan/); as root on Debian, last, the
#                           Debian package: built, installed, run, purged
#                           (contrib/deb-test.sh)
#
# On Debian or Ubuntu, missing build and test packages are installed with
# apt-get (as root), or the command to install them is printed. Running it
# again when everything is in place only rebuilds what changed.
set -eu

cd "$(dirname "$0")"

usage() {
	echo "usage: $0 [run|check]"
}

cmd=${1:-run}
case $cmd in
run|check) ;;
-h|--help|help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac

# Packages: the compiler, autotools, the libraries, and the DNS tools the
# end-to-end tests use (dig, kdig, drill, nsd, python3).
PACKAGES="gcc make libc6-dev pkg-config autoconf automake libtool"
PACKAGES="$PACKAGES libevent-dev libldns-dev libinih-dev check"
PACKAGES="$PACKAGES bind9-dnsutils knot-dnsutils ldnsutils"
# NSD: the real secondary of the zone-transfer interop test. python3: the
# end-to-end tests' raw-packet client and free-port finder.
PACKAGES="$PACKAGES nsd python3"
# knot: knotd, the second secondary of t_ixfr.sh (the test starts its own).
PACKAGES="$PACKAGES knot"
# openssl: t_plan.sh makes a CSR from each of ocsdns-plan's request configs.
PACKAGES="$PACKAGES openssl"
# libssl-dev: ocsdns-lookup --connect (TLS, certificates) and libcrypto's
# HMAC for TSIG; t_connect.sh makes its CA with openssl and its listeners
# with python3's ssl module. knot: knotd, the second keyed secondary of
# t_tsig.sh (the test starts its own instance).
PACKAGES="$PACKAGES libssl-dev knot"
# unbound, dns-root-data (its root key): t_unbound.sh runs a validating
# unbound in front of the daemon. The test starts its own instance; on a
# systemd machine the package also enables unbound.service on 127.0.0.1:53,
# which nothing here needs (systemctl disable --now unbound).
PACKAGES="$PACKAGES unbound dns-root-data"
# check also builds and lints the Debian package (contrib/deb-test.sh), and
# opens ocsdns-plan's HTML page in headless Chromium (t_plan.sh).
if [ "$cmd" = check ]; then
	PACKAGES="$PACKAGES dpkg-dev debhelper fakeroot lintian chromium"
fi

install_packages() {
	if ! command -v dpkg-query >/dev/null 2>&1; then
		echo "quickstart: not a Debian system; make sure these (or your" \
		    "distribution's equivalents) are installed:" >&2
		echo "  $PACKAGES" >&2
		return 0
	fi
	missing=
	for p in $PACKAGES; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
		case $status in
		ii*) ;;
		*) missing="$missing $p" ;;
		esac
	done
	[ -z "$missing" ] && return 0

	aptcmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends$missing"
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: missing packages:$missing" >&2
		echo "quickstart: install them as root (e.g. after sudo -i), then" \
		    "run $0 $cmd again:" >&2
		echo "  $aptcmd" >&2
		exit 1
	fi
	echo "quickstart: installing:$missing"
	apt-get update
	# shellcheck disable=SC2086 # one word per package
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
}

# configure_tree [OPTION]: run configure unless config.status already has
# OPTION (or, without OPTION, unless the tree is configured at all).
configure_tree() {
	if [ ! -x configure ]; then
		./autogen.sh
	fi
	if [ -f config.status ] && [ -f Makefile ]; then
		if [ $# -eq 0 ]; then
			return 0
		fi
		# Options print bare or quoted: --enable-werror '--foo=a b'
		if ./config.status --config |
		    grep -q -E -e "(^| |')$1('| |\$)"; then
			return 0
		fi
	fi
	./configure "$@"
}

# Prints the log of every test that did not pass, then the summary.
show_failures() {
	find tests -name '*.trs' 2>/dev/null | sort | while read -r trs; do
		if grep -q -E '^:test-result: (FAIL|XPASS|ERROR)' "$trs"; then
			log=${trs%.trs}.log
			echo "==================== $log"
			cat "$log" 2>/dev/null || true
		fi
	done
	if [ -f test-suite.log ]; then
		echo "==================== test-suite.log"
		cat test-suite.log
	fi
}

# The whole suite once more, built with --enable-sanitizers (ASan, UBSan)
# in build-asan/: a VPATH build of a fresh copy of the distributed sources
# (make distdir), since the top directory is configured in place. Any
# sanitizer report is fatal: UBSan halts, ASan reports leaks at exit.
sanitizer_check() {
	echo "quickstart: the test suite again with ASan and UBSan, in build-asan/"
	rm -rf build-asan
	mkdir build-asan
	make distdir distdir=build-asan/src >/dev/null
	mkdir build-asan/build
	if ! (
		cd build-asan/build &&
		../src/configure --enable-werror --enable-sanitizers >configure.out &&
		make -j2 >make.out &&
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		    make -j2 check
	); then
		( cd build-asan/build && show_failures )
		echo "quickstart: tests failed under the sanitizers (logs above," \
		    "build in build-asan/build)" >&2
		exit 1
	fi
}

# The tests that run several threads (workers, background reloads, the
# parallel build of a large configuration, the answer table's insert in
# parts: check_answer, a large file read and joined in halves:
# check_config_read, the sign-in check in parts: check_signin), built
# with ThreadSanitizer in
# build-tsan/. t_reload_async's large file has 10,000 domains there, not
# 50,000: under TSan a build of 50,000 takes over 30 s, longer than the
# test waits for a stop during one. A report makes the daemon or the unit test exit with 66,
# which fails the test.
THREAD_TESTS="tests/unit/check_synth tests/unit/check_dns tests/unit/check_answer
    tests/unit/check_config_read tests/unit/check_signin
    tests/e2e/t_workers.sh tests/e2e/t_reload_async.sh tests/e2e/t_reload.sh"
thread_check() {
	echo "quickstart: the threaded tests again with TSan, in build-tsan/"
	rm -rf build-tsan
	mkdir build-tsan
	make distdir distdir=build-tsan/src >/dev/null
	mkdir build-tsan/build
	if ! (
		cd build-tsan/build &&
		../src/configure --enable-werror --enable-sanitizers=thread \
		    >configure.out &&
		make -j2 >make.out &&
		TSAN_OPTIONS=halt_on_error=0:exitcode=66 \
		    E2E_RELOAD_DOMAINS=10000 \
		    make -j2 check TESTS="$(echo $THREAD_TESTS)"
	); then
		( cd build-tsan/build && show_failures )
		echo "quickstart: tests failed under TSan (logs above," \
		    "build in build-tsan/build)" >&2
		exit 1
	fi
}

# The Debian package, as root on Debian only: contrib/deb-test.sh builds it
# (without running the suite again) in a scratch directory, installs it,
# runs and reloads the daemon as the user ocsdnsd, then purges it.
deb_check() {
	if [ "$(id -u)" -ne 0 ] || ! command -v dpkg >/dev/null 2>&1; then
		echo "quickstart: NOT testing the Debian package: that needs root" \
		    "on Debian (contrib/deb-test.sh)" >&2
		return 0
	fi
	echo "quickstart: the Debian package: build, install, run, purge"
	rc=0
	./contrib/deb-test.sh || rc=$?
	case $rc in
	0) ;;
	77) echo "quickstart: the Debian package test was SKIPPED" \
	    "(reason above)" >&2 ;;
	*) echo "quickstart: the Debian package test failed (above)" >&2
	   exit 1 ;;
	esac
}

install_packages

case $cmd in
run)
	configure_tree
	make -j2
	echo "quickstart: serving conf/ocsdnsd.ini; stop with Ctrl-C"
	echo "try: dig @127.0.0.1 -p 5300 _sipinternaltls._tcp.contoso.com SRV"
	# -R: the lab example sets no [server] user; as root it would refuse.
	exec ./src/ocsdnsd -R -c conf/ocsdnsd.ini
	;;
check)
	configure_tree --enable-werror
	make -j2
	if ! make -j2 check; then
		show_failures
		echo "quickstart: tests failed (logs above)" >&2
		exit 1
	fi
	sanitizer_check
	thread_check
	deb_check
	echo "quickstart: all tests passed, also with the sanitizers"
	;;
esac
