#!/usr/bin/env bash
# t_serial.sh -- serials across restarts: [server] state_directory keeps
# each zone's serial and hash, a zone of files alone serves its own serial,
# a bad state file is a warning, and without one the log says so.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

mkdir -p "$TMPD/zones" "$TMPD/state"
STATE=$TMPD/state/serials
cat >"$TMPD/zones/example.net.zone" <<'ZONE'
$TTL 600
@	IN SOA ns1.contoso.com. hostmaster.contoso.com. 7 3600 600 86400 60
	IN NS ns1.contoso.com.
www	IN A 192.0.2.80
ZONE
conf() {
	write_conf <<CONF
[server]
zones = zones
$1
[domain contoso.com]
pool = pool01.contoso.com
[domain fabrikam.com]
pool = pool01.fabrikam.com
[host pool01.contoso.com]
address = 10.0.0.10
[host pool01.fabrikam.com]
address = 10.1.0.10
[host ns1.contoso.com]
address = 192.0.2.53
[host ns1.fabrikam.com]
address = 192.0.2.54
CONF
}
conf "state_directory = $TMPD/state"
start_daemon
C1=$(serial_of "$PORT" contoso.com)
F1=$(serial_of "$PORT" fabrikam.com)

# ---- the state file
ok_if "the start-up log names the state file" \
    grep -q "serials: kept in $STATE" "$DAEMON_LOG"
ok_if "the state file has contoso.com's serial" \
    grep -Eq "^contoso\.com $C1 [0-9a-f]{16}\$" "$STATE"
ok_if "the state file has fabrikam.com's serial" \
    grep -Eq "^fabrikam\.com $F1 [0-9a-f]{16}\$" "$STATE"
ok_if "a zone of files alone is not in it" \
    sh -c "! grep -q '^example.net ' '$STATE'"
ok_if "no temporary file is left" [ ! -e "$STATE.tmp" ]

# ---- a zone of files alone serves its file's serial
ok_if "example.net serves its file's serial 7" [ "$(serial_of "$PORT" example.net)" = 7 ]

# ---- a restart keeps the serials of unchanged zones
stop_daemon || fail "daemon exit status $?"
sleep 1		# the clock moves on: only the file keeps the serials
start_daemon
ok_if "after a restart contoso.com keeps $C1" [ "$(serial_of "$PORT" contoso.com)" = "$C1" ]
ok_if "after a restart fabrikam.com keeps $F1" [ "$(serial_of "$PORT" fabrikam.com)" = "$F1" ]

# ---- a changed zone never goes back: the stored serial ahead of the clock
stop_daemon || fail "daemon exit status $?"
AHEAD=$((C1 + 100000))
sed -i "s/^contoso\.com $C1 /contoso.com $AHEAD /" "$STATE"
sed -i 's/^address = 10.0.0.10$/address = 10.0.0.20/' "$CONF"
start_daemon
ok_if "a changed zone gets the stored serial + 1 ($((AHEAD + 1))), not the clock" \
    [ "$(serial_of "$PORT" contoso.com)" = $((AHEAD + 1)) ]
ok_if "the unchanged zone keeps $F1" [ "$(serial_of "$PORT" fabrikam.com)" = "$F1" ]
ok_if "the state file has the new serial" \
    grep -q "^contoso\.com $((AHEAD + 1)) " "$STATE"

# ---- a zone file changed without its serial: a warning at reload
printf 'ftp\tIN A 192.0.2.21\n' >>"$TMPD/zones/example.net.zone"
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	grep -q 'reloaded ' "$DAEMON_LOG" && break
	sleep 0.1
done
ok_if "the reload warns that example.net changed but not its serial" \
    grep -q "zone example.net: warning: its zone file changed but its serial 7 did not" "$DAEMON_LOG"
q ftp.example.net A
expect_rr ANSWER 'ftp.example.net. 600 IN A 192.0.2.21'
ok_if "example.net still serves serial 7" [ "$(serial_of "$PORT" example.net)" = 7 ]

# ---- a bad state file: a warning naming file and line, then the clock
stop_daemon || fail "daemon exit status $?"
printf '%s\nnot a serial line\n' "$(head -n 1 "$STATE")" >"$STATE"
start_daemon
ok_if "a bad line is a warning naming the file and line" \
    grep -q "$STATE:2: warning: not \"zone serial hash\": serials follow the clock" "$DAEMON_LOG"
S=$(serial_of "$PORT" contoso.com)
NOW=$(date +%s)
ok_if "contoso.com then follows the clock ($S)" [ "$S" -le "$NOW" ] && [ "$S" -gt $((NOW - 60)) ]
ok_if "the file is written again, whole" \
    [ "$(grep -c '^[a-z]' "$STATE")" = 2 ]

# ---- without state_directory: one line says so
stop_daemon || fail "daemon exit status $?"
conf ""
start_daemon
ok_if "without state_directory the start-up log says so" \
    grep -q "no \[server\] state_directory: after a restart a zone's serial follows the clock" "$DAEMON_LOG"

stop_daemon || fail "daemon exit status $?"
finish
