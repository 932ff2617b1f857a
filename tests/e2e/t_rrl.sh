#!/usr/bin/env bash
# t_rrl.sh -- response rate limiting: a burst over the limit is cut to the
# rate, every other limited reply slips out truncated (TC, no records), TCP
# is never limited, and the counters show it.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
write_conf <<'CONF'
[server]
rrl = 5
rrl_slip = 2
[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address = 203.0.113.10
[host ns1.contoso.com]
address = 192.0.2.53
CONF
start_daemon
sleep 1.1	# the probe of start_daemon used this second's buckets

# 60 queries as fast as the loopback takes them, then count what came back:
# full answers, truncated empty ones, and the missing (dropped) ones.
OUTCOME=$(python3 - "$PORT" <<'PY'
import socket, struct, sys, time
port = int(sys.argv[1])
name = b"".join(bytes([len(l)]) + l for l in b"_sip._tls.contoso.com".split(b".")) + b"\0"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
full = tc = 0
start = time.time()
for i in range(60):
    s.sendto(struct.pack(">HHHHHH", i, 0, 1, 0, 0, 0) + name + struct.pack(">HH", 33, 1),
             ("127.0.0.1", port))
replies = {}
try:
    while True:
        m, _ = s.recvfrom(4096)
        replies[struct.unpack(">H", m[:2])[0]] = m
except socket.timeout:
    pass
for m in replies.values():
    flags, qd, an = struct.unpack(">HHH", m[2:8])
    if flags & 0x0200:
        tc += 1 if an == 0 else 100
    else:
        full += 1
seconds = int(time.time()) - int(start) + 1
print(full, tc, 60 - len(replies), seconds)
PY
)
read -r FULL TC DROPPED SECONDS <<<"$OUTCOME"
ok_if "at most 5 full answers per second ($FULL in $SECONDS s)" [ "$FULL" -le $((5 * SECONDS)) ]
ok_if "at least the first 5 were answered ($FULL)" [ "$FULL" -ge 5 ]
ok_if "limited replies slipped out truncated and empty ($TC)" \
    [ "$TC" -ge 10 ] && [ "$TC" -lt 100 ]
ok_if "the others were dropped ($DROPPED)" [ "$DROPPED" -ge 10 ]
# TCP is not limited: the truncated clients come back there.
q +tcp _sip._tls.contoso.com SRV
expect_status NOERROR
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
# Another question has its own bucket.
q pool01.contoso.com A
expect_status NOERROR
kill -USR1 "$DAEMON_PID"
sleep 0.3
ok_if "SIGUSR1 reports the limited replies" \
    grep -Eq 'rrl_dropped=[1-9][0-9]* rrl_slipped=[1-9]' "$DAEMON_LOG"
stop_daemon || fail "daemon exit status $?"

# The example for the systemd unit has it on, and loads.
ok_if "contrib/systemd/ocsdnsd.ini turns rate limiting on" \
    grep -q '^rrl = [1-9]' "$top_srcdir/contrib/systemd/ocsdnsd.ini"
ok_if "contrib/systemd/ocsdnsd.ini passes -t" \
    "$OCSDNSD" -t -c "$top_srcdir/contrib/systemd/ocsdnsd.ini"
finish
