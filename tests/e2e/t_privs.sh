#!/usr/bin/env bash
# t_privs.sh -- least privilege: refusing root, [server] user and chroot, reload after the drop, socket activation (LISTEN_FDS).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

RUN_ERR=
RUN_RC=

# run_briefly ARGS...: runs the daemon (at most 3 s); exit status in RUN_RC,
# stderr in RUN_ERR. For start-up refusals, which exit at once.
run_briefly() {
	LASTQ="$OCSDNSD $*"
	timeout 3 "$OCSDNSD" "$@" >/dev/null 2>"$TMPD/run.err" </dev/null
	RUN_RC=$?
	RUN_ERR=$(cat "$TMPD/run.err")
	OUT="exit status $RUN_RC; stderr: $RUN_ERR"
	OUT_SHOWN=0
}

expect_refusal() {	# expect_refusal 'ERE of the message'
	if [ "$RUN_RC" = 1 ]; then
		pass "refused with exit status 1"
	else
		fail "expected exit status 1, got $RUN_RC"
	fi
	if printf '%s\n' "$RUN_ERR" | grep -qE -- "$1"; then
		pass "message /$1/"
	else
		fail "expected a message matching /$1/"
	fi
}

# wait_log 'ERE' [TENTHS]: the daemon log gets a matching line in time.
# shellcheck disable=SC2317 # called through ok_if
wait_log() {
	for _ in $(seq 1 "${2:-30}"); do
		grep -qE -- "$1" "$DAEMON_LOG" && return 0
		sleep 0.1
	done
	return 1
}

# proc_field PID Uid: the numbers of that line of /proc/PID/status.
proc_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr -s ' \t' ' '
}

# start_activated LAUNCHER...: like start_daemon, but the launcher binds
# 127.0.0.1:$PORT (UDP and TCP) and passes them as LISTEN_FDS; the daemon
# is told to listen on $PORT2, which it must not do. @PORT@ in the launcher
# words becomes $PORT.
start_activated() {
	local deadline a launcher=()
	PORT=$(pick_port) || die "no free loopback port"
	PORT2=$(pick_port) || die "no free loopback port"
	write_conf <<EOF
[server]
listen = 127.0.0.1:$PORT2

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF
	for a in "$@"; do
		launcher+=("${a//@PORT@/$PORT}")
	done
	"${launcher[@]}" "$OCSDNSD" -R -c "$CONF" 2>"$DAEMON_LOG" >/dev/null &
	DAEMON_PID=$!
	deadline=$((SECONDS + E2E_START_WAIT))
	while [ "$SECONDS" -lt "$deadline" ]; do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		daemon_answers && return 0
		sleep 0.1
	done
	cat "$DAEMON_LOG" >&2
	die "the socket-activated daemon did not answer on 127.0.0.1:$PORT"
}

# The sd_listen_fds() protocol by hand: sockets on descriptors 3 and 4
# (and 5, 6 for ::1), LISTEN_PID is our pid, which exec keeps.
cat >"$TMPD/activate.py" <<'EOF'
import os, socket, sys
port, v6, argv = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3:]
socks = []
for fam, host in [(socket.AF_INET, "127.0.0.1")] + ([(socket.AF_INET6, "::1")] if v6 else []):
    for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
        s = socket.socket(fam, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        if kind == socket.SOCK_STREAM:
            s.listen(16)
        socks.append(s)
# out of the way first, in case a socket already sits on 3..6
high = [os.dup(s.fileno()) for s in socks]
for i, fd in enumerate(high):
    os.dup2(fd, 3 + i)
    os.set_inheritable(3 + i, True)
os.environ["LISTEN_FDS"] = str(len(socks))
os.environ["LISTEN_PID"] = str(os.getpid())
os.execv(argv[0], argv)
EOF

# activated_checks NAME: the daemon serves $PORT over UDP and TCP, not the
# configured $PORT2, and reloads without a listen warning.
activated_checks() {
	q contoso.com SOA
	expect_status NOERROR
	q +tcp sip.contoso.com A
	expect_status NOERROR
	expect_rr ANSWER 'sip.contoso.com. 3600 IN A 203.0.113.10'
	ok_if "$1: log names the passed UDP socket" \
	    grep -q "socket activation: udp 127.0.0.1:$PORT\$" "$DAEMON_LOG"
	ok_if "$1: log names the passed TCP socket" \
	    grep -q "socket activation: tcp 127.0.0.1:$PORT\$" "$DAEMON_LOG"
	ok_if "$1: the configured listen address is not bound" \
	    python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0)' "$PORT2"
	kill -HUP "$DAEMON_PID"
	ok_if "$1: reloads" wait_log 'reloaded '
	ok_if "$1: no listen warning on reload" \
	    eval '! grep -q "listen change" "$DAEMON_LOG"'
	expect_alive
}

# ================= socket activation, the protocol by hand
start_activated python3 "$TMPD/activate.py" @PORT@ "$HAVE_IPV6"
activated_checks "LISTEN_FDS"
if [ "$HAVE_IPV6" = 1 ]; then
	q6 +tcp contoso.com SOA
	expect_status NOERROR
	ok_if "LISTEN_FDS: the ::1 sockets are served too" \
	    grep -q "socket activation: udp \[::1\]:$PORT\$" "$DAEMON_LOG"
fi
stop_daemon

# ================= socket activation by systemd's own launcher, when installed
if command -v systemd-socket-activate >/dev/null 2>&1; then
	# One datagram socket from the outer, one stream socket from the inner
	# launcher, which passes the first one on. They exec the daemon at the
	# first query (daemon_answers sends it).
	start_activated systemd-socket-activate -d -l 127.0.0.1:@PORT@ \
	    systemd-socket-activate -l 127.0.0.1:@PORT@
	activated_checks "systemd-socket-activate"
	stop_daemon
else
	e2e_log "note: systemd-socket-activate is not installed; only the hand-made LISTEN_FDS launcher was tried"
fi

# ================= LISTEN_PID of another process: not ours, bind as usual
write_conf <<'EOF'
[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10
EOF
LISTEN_PID=1 LISTEN_FDS=2 start_daemon
expect_alive
ok_if "LISTEN_PID of another process is ignored" \
    eval '! grep -q "socket activation" "$DAEMON_LOG"'
stop_daemon

# ================= root: refuse, or drop to [server] user
if [ "$(id -u)" -ne 0 ]; then
	e2e_log "note: not root: the user, chroot and refuse-root checks need root"
	finish
fi
NOBODY_UID=$(id -u nobody 2>/dev/null) || die "no user nobody"
NOBODY_GID=$(id -g nobody)
chmod 755 "$TMPD"

# ---- as root without a user: refused, unless -R or allow_root
run_briefly -c "$CONF" -l 127.0.0.1:1
expect_refusal 'refusing to run as root: set \[server\] user'
printf '[server]\nuser = no-such-user-ocsdnsd\n' >"$TMPD/nouser.ini"
run_briefly -c "$TMPD/nouser.ini" -l 127.0.0.1:1
expect_refusal 'no-such-user-ocsdnsd: no such user'
printf '[server]\nuser = root\n' >"$TMPD/rootuser.ini"
run_briefly -c "$TMPD/rootuser.ini" -l 127.0.0.1:1
expect_refusal 'has uid 0'
printf '[server]\nchroot = relative/dir\n' >"$TMPD/relchroot.ini"
run_briefly -t -c "$TMPD/relchroot.ini"
expect_refusal 'chroot: .relative/dir. is not an absolute path'

# allow_root = yes in the file does what -R does (start_daemon passes -R,
# so this one is started by hand and stopped at once)
cat "$CONF" >"$TMPD/allowroot.ini"
sed -i '1i [server]\nallow_root = yes' "$TMPD/allowroot.ini"
PORT=$(pick_port) || die "no free loopback port"
"$OCSDNSD" -c "$TMPD/allowroot.ini" -l "127.0.0.1:$PORT" 2>"$TMPD/allowroot.log" &
pid=$!
for _ in $(seq 1 30); do daemon_answers && break; sleep 0.1; done
ok_if "allow_root = yes: runs as root" daemon_answers
ok_if "allow_root = yes: warns that it runs as root" \
    grep -q 'running as root' "$TMPD/allowroot.log"
kill -TERM "$pid"
wait "$pid"
check $? "allow_root = yes: clean stop"

# ---- user = nobody with the example: bind, drop, reload still reads it all
use_example_conf
chmod -R a+rX "$TMPD/conf" "$TMPD/zones"
sed -i 's/^\[server\]$/[server]\nuser = nobody/' "$CONF"
DAEMON_V6=1
start_daemon
DAEMON_V6=0
expect_alive
ok_if "user: log says so" grep -q "running as user nobody (uid $NOBODY_UID, gid $NOBODY_GID)" "$DAEMON_LOG"
uids=$(proc_field "$DAEMON_PID" Uid)
gids=$(proc_field "$DAEMON_PID" Gid)
ok_if "user: real, effective, saved, fs uid are nobody's ($uids)" \
    test "$uids" = "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID"
ok_if "user: all gids are nobody's ($gids)" \
    test "$gids" = "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID"
capeff=$(proc_field "$DAEMON_PID" CapEff)
ok_if "user: no effective capabilities ($capeff)" test "$capeff" = 0000000000000000
groups=$(proc_field "$DAEMON_PID" Groups)
ok_if "user: no supplementary group of root ($groups)" eval 'case " $groups " in *" 0 "*) false ;; *) true ;; esac'
# a changed file, read again (with the zone files) as nobody
printf '\n[host reloaded-by-nobody.contoso.com]\naddress = 192.0.2.78\n' >>"$CONF"
kill -HUP "$DAEMON_PID"
ok_if "user: SIGHUP reloads as nobody" wait_log 'reloaded .*ocsdnsd\.ini'
q reloaded-by-nobody.contoso.com A
expect_rr ANSWER 'reloaded-by-nobody.contoso.com. 3600 IN A 192.0.2.78'
# unreadable to nobody: the reload fails, the old data stays
chmod 600 "$CONF"
kill -HUP "$DAEMON_PID"
ok_if "user: an unreadable file is reported" wait_log 'has errors, not reloading'
q reloaded-by-nobody.contoso.com A
expect_rr ANSWER 'reloaded-by-nobody.contoso.com. 3600 IN A 192.0.2.78'
stop_daemon

# ---- chroot: the file must be inside; reload reads it from inside
JAIL=$TMPD/jail
mkdir -p "$JAIL/etc/zones"
cat >"$JAIL/etc/ocsdnsd.ini" <<EOF
[server]
user = nobody
chroot = $JAIL
zones = zones

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10
EOF
chmod -R a+rX "$JAIL"
cp "$JAIL/etc/ocsdnsd.ini" "$TMPD/outside.ini"
run_briefly -c "$TMPD/outside.ini" -l 127.0.0.1:1
expect_refusal 'is not inside chroot'

CONF=$JAIL/etc/ocsdnsd.ini
# In an ASan build, LeakSanitizer reads /proc at exit, which the jail lacks.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" start_daemon
expect_alive
ok_if "chroot: log says so" grep -q "running as user nobody .*, chroot $JAIL\$" "$DAEMON_LOG"
root=$(readlink "/proc/$DAEMON_PID/root")
ok_if "chroot: the daemon's root is the jail ($root)" test "$root" = "$JAIL"
printf '\n[host inside.contoso.com]\naddress = 192.0.2.79\n' >>"$CONF"
kill -HUP "$DAEMON_PID"
ok_if "chroot: SIGHUP reads /etc/ocsdnsd.ini inside the jail" \
    wait_log 'reloaded /etc/ocsdnsd\.ini'
q inside.contoso.com A
expect_rr ANSWER 'inside.contoso.com. 3600 IN A 192.0.2.79'
stop_daemon

finish
