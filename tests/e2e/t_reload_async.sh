#!/usr/bin/env bash
# t_reload_async.sh -- a reload builds the new data in the background: while
# a large configuration (E2E_RELOAD_DOMAINS domains, ~1 s to build) is being
# built, queries are answered at once from the old data; after the
# 'reloaded' line the new data is served. Two SIGHUPs in a row: one build
# after the other, the newest file wins. SIGTERM during a build: a clean stop.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

: "${E2E_RELOAD_DOMAINS:=50000}"
# The large file takes a while to load under the sanitizers or valgrind.
E2E_START_WAIT=$((E2E_START_WAIT * 5))
E2E_STOP_WAIT=$((E2E_STOP_WAIT * 5))

e2e_init

# big N MARKER: N domains d0.example ... plus contoso.com, whose host
# marker.contoso.com has address MARKER.
big() {
	python3 - "$1" "$2" <<'PY'
import sys
n, marker = int(sys.argv[1]), sys.argv[2]
out = ["[domain contoso.com]\npool = pool01.contoso.com\n"
       "[host pool01.contoso.com]\naddress = 10.0.0.10\n"
       "[host ns1.contoso.com]\naddress = 10.0.0.2\n"
       "[host marker.contoso.com]\naddress = %s\n" % marker]
for i in range(n):
    d = "d%d.example" % i
    out.append("[domain %s]\npool = pool01.%s\n[host pool01.%s]\n"
               "address = 10.%d.%d.1\n[host ns1.%s]\naddress = 10.0.0.2\n"
               % (d, d, d, (i >> 8) & 255, i & 255, d))
sys.stdout.write("".join(out))
PY
}

# install FILE: the configuration becomes FILE in one step (rename), so a
# build never reads half a file.
install_conf() {
	cp "$1" "$CONF.tmp" && mv -f "$CONF.tmp" "$CONF"
}

big 0 192.0.2.100 | write_conf
start_daemon
big "$E2E_RELOAD_DOMAINS" 192.0.2.1 >"$TMPD/big1.ini"
big "$E2E_RELOAD_DOMAINS" 192.0.2.2 >"$TMPD/big2.ini"
big "$E2E_RELOAD_DOMAINS" 192.0.2.3 >"$TMPD/big3.ini"

# measure OLD NEW NRELOADED: sends SIGHUP, then asks marker.contoso.com A
# over UDP again and again until the log has NRELOADED 'reloaded' lines.
# Every answer must come within 250 ms; those answered before the line
# appeared must be OLD (at least 3 of them: the build was still running),
# the first one after it NEW.
measure() {
	python3 - "$PORT" "$DAEMON_PID" "$DAEMON_LOG" "$1" "$2" "$3" <<'PY'
import os, signal, socket, struct, sys, time

port, pid, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
old, new, want = sys.argv[4], sys.argv[5], int(sys.argv[6])

def reloaded():
    with open(log, errors="replace") as f:
        return sum(1 for line in f if "reloaded " in line) >= want

def ask(s, qid):
    name = b"".join(bytes([len(l)]) + l for l in
                    b"marker.contoso.com".split(b".")) + b"\0"
    s.sendto(struct.pack(">6H", qid, 0, 1, 0, 0, 0) + name +
             struct.pack(">HH", 1, 1), ("127.0.0.1", port))
    while True:
        m = s.recv(4096)
        if struct.unpack(">H", m[:2])[0] == qid:
            break
    an = struct.unpack(">H", m[6:8])[0]
    i = 12
    while m[i]:
        i += 1 + m[i]
    i += 5
    addrs = []
    for _ in range(an):
        i += 2 if m[i] & 0xC0 == 0xC0 else 0
        t, c, ttl, rdlen = struct.unpack(">HHIH", m[i:i + 10])
        if t == 1:
            addrs.append(socket.inet_ntoa(m[i + 10:i + 10 + rdlen]))
        i += 10 + rdlen
    return addrs

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
os.kill(pid, signal.SIGHUP)
t_start = time.monotonic()
during, worst, bad, qid, after = 0, 0.0, [], 0, None
while time.monotonic() - t_start < 120:
    qid = (qid + 1) & 0xFFFF
    t0 = time.monotonic()
    try:
        addrs = ask(s, qid)
    except socket.timeout:
        bad.append("query %d: no answer within 5 s" % qid)
        break
    worst = max(worst, time.monotonic() - t0)
    if reloaded():
        # The line is written once every worker answers from the new data.
        after = ask(s, (qid + 1) & 0xFFFF)
        break
    during += 1
    if addrs != [old]:
        bad.append("during the build: %s, expected %s" % (addrs, old))
    time.sleep(0.002)
print("reload: %d queries answered during the build (%.2f s), slowest %.1f ms"
      % (during, time.monotonic() - t_start, worst * 1000))
if during < 3:
    bad.append("only %d queries answered while the build ran" % during)
if worst > 0.25:
    bad.append("a query took %.0f ms" % (worst * 1000))
if after != [new]:
    bad.append("after 'reloaded': %s, expected %s" % (after, new))
for b in bad:
    print("  " + b)
sys.exit(1 if bad else 0)
PY
}

install_conf "$TMPD/big1.ini"
measure 192.0.2.100 192.0.2.1 1
ok_if "queries are answered at once, from the old data, during a reload" [ $? = 0 ]
q marker.contoso.com A
expect_rr ANSWER 'marker.contoso.com. 3600 IN A 192.0.2.1'

# Two SIGHUPs in a row: the second comes during the first build, which is
# let finish; then one more build reads the file as it is now.
install_conf "$TMPD/big2.ini"
kill -HUP "$DAEMON_PID"
sleep 0.2
install_conf "$TMPD/big3.ini"
kill -HUP "$DAEMON_PID"
reloads_are() {
	[ "$(grep -c 'reloaded ' "$DAEMON_LOG")" -ge "$1" ]
}
# Two builds of the large file: a few seconds each, far more under the
# sanitizers; the loop ends as soon as both are done.
deadline=$((SECONDS + 120))
until reloads_are 3 || [ "$SECONDS" -ge "$deadline" ]; do
	sleep 0.1
done
ok_if "the second SIGHUP waits for the build under way" \
    grep -q 'reload of .* under way: reading it again after it' "$DAEMON_LOG"
ok_if "two more reloads, one after the other" reloads_are 3
q marker.contoso.com A
expect_rr ANSWER 'marker.contoso.com. 3600 IN A 192.0.2.3'
sleep 0.5
ok_if "no third build" eval '[ "$(grep -c "reloading " "$DAEMON_LOG")" = 3 ]'
expect_alive

# SIGTERM during a build: it ends, then the daemon stops with status 0.
install_conf "$TMPD/big1.ini"
kill -HUP "$DAEMON_PID"
deadline=$((SECONDS + 10))
until [ "$(grep -c 'reloading ' "$DAEMON_LOG")" = 4 ] || [ "$SECONDS" -ge "$deadline" ]; do
	sleep 0.05
done
stop_daemon
ok_if "SIGTERM during a build: a clean stop" [ $? = 0 ]
ok_if "it said it waits for the build" \
    grep -q 'waiting for the reload under way to end' "$DAEMON_LOG"
ok_if "it stopped" grep -q 'stopped' "$DAEMON_LOG"
finish
