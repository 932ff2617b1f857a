#!/bin/sh
# deb-test.sh -- build the Debian package, install it, run it, remove it.
#
#   contrib/deb-test.sh
#
# As root on Debian (or Ubuntu): builds ocsdnsd_*.deb from a copy of this
# tree in a scratch directory (the tree and its parent stay clean; the
# tests are not run again: DEB_BUILD_OPTIONS=nocheck), runs lintian on it,
# installs it with dpkg -i, starts the daemon as the package's unit would
# outside systemd (as root with the packaged /etc/ocsdnsd/ocsdnsd.ini, which
# makes it switch to the user ocsdnsd, on a free loopback port given with
# -l), asks it with dig, reloads it with SIGHUP, stops it, then removes and
# purges the package and checks what is left. Exit status: 0 passed,
# 1 failed, 77 skipped (not root, no dpkg, or ocsdnsd already installed).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)

skip() {
	echo "deb-test: SKIPPED: $*" >&2
	exit 77
}

fail() {
	echo "deb-test: FAILED: $*" >&2
	exit 1
}

step() {
	echo "deb-test: $*"
}

command -v dpkg >/dev/null 2>&1 ||
	skip "no dpkg: the Debian package test needs Debian or Ubuntu"
[ "$(id -u)" -eq 0 ] ||
	skip "not root: dpkg -i, -r and -P need root (run it as root)"
if dpkg-query -W -f='${db:Status-Abbrev}' ocsdnsd 2>/dev/null |
    grep -q '^[ih]'; then
	skip "the package ocsdnsd is installed on this machine: the test" \
	    "would replace and purge it (dpkg -P ocsdnsd first)"
fi
missing=
for tool in dpkg-buildpackage dh lintian dig fakeroot; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
[ -z "$missing" ] || fail "missing tools:$missing (apt-get install" \
    "dpkg-dev debhelper lintian bind9-dnsutils fakeroot)"

work=$(mktemp -d /tmp/ocsdnsd-deb.XXXXXX)
pid=
installed=no
cleanup() {
	status=$?
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null || true
	fi
	if [ "$installed" = yes ]; then
		echo "deb-test: purging the package after a failure" >&2
		dpkg -P ocsdnsd >/dev/null 2>&1 || true
	fi
	if [ "$status" -ne 0 ] && [ -f "$work/daemon.log" ]; then
		echo "==================== daemon log" >&2
		cat "$work/daemon.log" >&2
	fi
	rm -rf "$work"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# --- build -----------------------------------------------------------------

# The files git knows (tracked, and new ones not ignored), so that neither
# build products of the tree nor build-asan/ get into the copy; a tarball
# tree without .git is copied whole.
step "copying the tree to $work/src"
mkdir "$work/src"
if [ -d "$top/.git" ] && command -v git >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
	    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\n" "$f"; done' sh |
	    tar -cf - -T -) | tar -xf - -C "$work/src"
else
	(cd "$top" && tar --exclude=./build-asan --exclude=./build-tsan \
	    -cf - .) | tar -xf - -C "$work/src"
fi

# The tests ran before (quickstart.sh check): nocheck, and the nocheck
# profile drops their build dependencies (nsd, dig, ...).
step "dpkg-buildpackage -us -uc -b (log in the scratch directory)"
start=$(date +%s)
if ! (cd "$work/src" && dpkg-checkbuilddeps -Pnocheck &&
    DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES=nocheck \
    dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1; then
	tail -n 40 "$work/build.log" >&2
	fail "dpkg-buildpackage failed (the last lines of its log are above)"
fi
deb=$(ls "$work"/ocsdnsd_*.deb)
changes=$(ls "$work"/ocsdnsd_*.changes)
step "built $(basename "$deb") in $(($(date +%s) - start)) s:" \
    "$(du -k "$deb" | cut -f1) KiB, $(dpkg-deb -c "$deb" | grep -c -v '/$') files"

# lintian says it should not run as root; it reads the files only.
step "lintian $(basename "$changes")"
lintian "$changes" >"$work/lintian.out" 2>&1 || true
grep -v 'running with root privileges is not recommended' \
    "$work/lintian.out" || true
if grep -q '^E:' "$work/lintian.out"; then
	fail "lintian reports errors (above)"
fi
step "lintian: $(grep -c '^E:' "$work/lintian.out" || true) errors," \
    "$(grep -c '^W:' "$work/lintian.out" || true) warnings"

# --- install ---------------------------------------------------------------

user_before=no
getent passwd ocsdnsd >/dev/null && user_before=yes

step "dpkg -i $(basename "$deb")"
installed=yes
dpkg -i "$deb" >"$work/dpkg.out" 2>&1 || {
	cat "$work/dpkg.out" >&2
	fail "dpkg -i failed"
}
for f in /usr/sbin/ocsdnsd /usr/bin/ocsdns-lookup \
    /usr/share/man/man8/ocsdnsd.8.gz /usr/share/man/man5/ocsdnsd.ini.5.gz \
    /usr/share/man/man1/ocsdns-lookup.1.gz \
    /lib/systemd/system/ocsdnsd.service /lib/systemd/system/ocsdnsd.socket \
    /lib/systemd/system/ocsdnsd.service.d/debian.conf \
    /usr/lib/sysusers.d/ocsdnsd.conf /etc/ocsdnsd/ocsdnsd.ini \
    /usr/share/doc/ocsdnsd/examples/ocsdnsd.ini; do
	[ -f "$f" ] || fail "$f is not installed"
done
dpkg-query -W -f='${Conffiles}\n' ocsdnsd | grep -q ' /etc/ocsdnsd/ocsdnsd.ini ' ||
	fail "/etc/ocsdnsd/ocsdnsd.ini is not a conffile"
entry=$(getent passwd ocsdnsd) || fail "no user ocsdnsd after dpkg -i"
uid=$(echo "$entry" | cut -d: -f3)
[ "$uid" -gt 0 ] && [ "$uid" -lt 1000 ] ||
	fail "user ocsdnsd has uid $uid, not a system uid"
case $entry in
*:/usr/sbin/nologin) ;;
*) fail "user ocsdnsd may log in: $entry" ;;
esac
grep -q '^User=ocsdnsd$' /lib/systemd/system/ocsdnsd.service.d/debian.conf ||
	fail "the unit does not run as ocsdnsd"
step "installed; user ocsdnsd is uid $uid (existed before: $user_before)"
/usr/sbin/ocsdnsd -t -c /etc/ocsdnsd/ocsdnsd.ini ||
	fail "ocsdnsd -t rejects the packaged configuration"

# --- run -------------------------------------------------------------------

# A loopback port free for UDP and TCP (python3, as the e2e tests), else one
# from the dynamic range; a port taken meanwhile shows as a start failure.
port=$(python3 -c '
import socket
t = socket.socket(); t.bind(("127.0.0.1", 0)); p = t.getsockname()[1]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
print(p)' 2>/dev/null) || port=$((49152 + $$ % 16000))

# wait_log TEXT: up to 5 s for TEXT in the daemon's log.
wait_log() {
	i=0
	while ! grep -q -F "$1" "$work/daemon.log"; do
		kill -0 "$pid" 2>/dev/null || fail "ocsdnsd exited (log below)"
		i=$((i + 1))
		[ "$i" -le 50 ] || fail "no \"$1\" in the log within 5 s"
		sleep 0.1
	done
}

ask() {
	dig @127.0.0.1 -p "$port" +time=2 +tries=2 "$@"
}

step "starting ocsdnsd -c /etc/ocsdnsd/ocsdnsd.ini -l 127.0.0.1:$port"
/usr/sbin/ocsdnsd -c /etc/ocsdnsd/ocsdnsd.ini -l "127.0.0.1:$port" \
    -L stderr </dev/null >"$work/daemon.log" 2>&1 &
pid=$!
wait_log "serving"
wait_log "running as user ocsdnsd"
run_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$run_uid" = "$uid" ] || fail "pid $pid runs as uid $run_uid, not $uid"
step "pid $pid runs as ocsdnsd (uid $run_uid):"
sed 's/^/  /' "$work/daemon.log"

srv=$(ask _sipinternaltls._tcp.example.com SRV +short)
[ "$srv" = "0 0 5061 pool01.example.com." ] ||
	fail "_sipinternaltls._tcp.example.com SRV: \"$srv\""
step "dig _sipinternaltls._tcp.example.com SRV: $srv"
addr=$(ask sip.example.com A +short)
[ "$addr" = "192.0.2.20" ] || fail "sip.example.com A: \"$addr\""
step "dig sip.example.com A: $addr"
ask example.org A +norec | grep -q 'status: REFUSED' ||
	fail "example.org A was not refused"
step "dig example.org A: REFUSED"

kill -HUP "$pid"
wait_log "reloaded /etc/ocsdnsd/ocsdnsd.ini"
step "SIGHUP: $(grep -F 'reloaded' "$work/daemon.log" | tail -n 1)"
srv=$(ask _sipinternaltls._tcp.example.com SRV +short)
[ "$srv" = "0 0 5061 pool01.example.com." ] ||
	fail "after the reload, _sipinternaltls._tcp.example.com SRV: \"$srv\""

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null; do
	i=$((i + 1))
	[ "$i" -le 50 ] || fail "pid $pid still runs 5 s after SIGTERM"
	sleep 0.1
done
rc=0
wait "$pid" || rc=$?
pid=
[ "$rc" -eq 0 ] || fail "ocsdnsd exited with status $rc after SIGTERM"
step "SIGTERM: stopped, exit status 0"

# --- remove and purge ------------------------------------------------------

dpkg -r ocsdnsd >"$work/dpkg.out" 2>&1 || {
	cat "$work/dpkg.out" >&2
	fail "dpkg -r failed"
}
for f in /usr/sbin/ocsdnsd /usr/bin/ocsdns-lookup \
    /lib/systemd/system/ocsdnsd.service /usr/lib/sysusers.d/ocsdnsd.conf \
    /usr/share/doc/ocsdnsd; do
	[ ! -e "$f" ] || fail "$f is still there after dpkg -r"
done
[ -f /etc/ocsdnsd/ocsdnsd.ini ] ||
	fail "dpkg -r removed the conffile (only purge may)"
dpkg-query -W -f='${db:Status-Abbrev}' ocsdnsd | grep -q '^rc' ||
	fail "after dpkg -r the package is not in state rc"
step "dpkg -r: programs gone, /etc/ocsdnsd/ocsdnsd.ini kept (state rc)"

dpkg -P ocsdnsd >"$work/dpkg.out" 2>&1 || {
	cat "$work/dpkg.out" >&2
	fail "dpkg -P failed"
}
installed=no
[ ! -e /etc/ocsdnsd ] || fail "/etc/ocsdnsd is still there after dpkg -P"
if dpkg-query -W ocsdnsd >/dev/null 2>&1; then
	fail "dpkg still knows ocsdnsd after dpkg -P"
fi
# Debian leaves system users in place on purge: files they own may remain
# (backups, a zone directory), and a new user with the same uid would get
# them. So does systemd-sysusers.
getent passwd ocsdnsd >/dev/null ||
	fail "dpkg -P removed the user ocsdnsd (it should stay)"
step "dpkg -P: /etc/ocsdnsd gone, the package unknown to dpkg; user" \
    "ocsdnsd kept, as Debian does"
if [ "$user_before" = no ]; then
	userdel ocsdnsd
	getent group ocsdnsd >/dev/null && groupdel ocsdnsd
	step "removed the user and group ocsdnsd, which this test created"
fi
step "passed"
