#!/usr/bin/env bash
# t_reload.sh -- SIGHUP: new data and a larger SOA serial; a broken file is reported and the old data stays.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

# conf POOL_ADDRESS [extra lines]: a one-domain configuration, replaced atomically.
conf() {
	{
		cat <<EOF
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = $1

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF
		shift
		printf '%s\n' "$@"
	} >"$CONF.new"
	mv "$CONF.new" "$CONF"
}

serial() {
	dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +short contoso.com SOA | awk '{print $3}'
}

# wait_for SECONDS COMMAND...: polls every 0.1 s until COMMAND succeeds.
# shellcheck disable=SC2317 # called through ok_if
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while [ "$SECONDS" -lt "$deadline" ]; do
		if "$@"; then
			return 0
		fi
		sleep 0.1
	done
	"$@"
}

# shellcheck disable=SC2317 # called through wait_for
pool_is() {
	[ "$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=1 +short pool01.contoso.com A)" = "$1" ]
}

# shellcheck disable=SC2317 # called through wait_for
log_has() {
	grep -q -- "$1" "$DAEMON_LOG"
}

conf 10.0.0.10
start_daemon
q pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
s1=$(serial)
case "$s1" in
'' | *[!0-9]*) LASTQ=; fail "SOA serial is not a number: '$s1'" ;;
*) pass "numeric serial $s1" ;;
esac

# ---- a good new file: new data, larger serial, same listener (-l survives)
conf 10.0.0.99 '' '[host new.contoso.com]' 'address = 10.0.0.77'
kill -HUP "$DAEMON_PID"
ok_if "after SIGHUP, pool01 has the new address" wait_for 5 pool_is 10.0.0.99
q new.contoso.com A
expect_status NOERROR
expect_rr ANSWER 'new.contoso.com. 3600 IN A 10.0.0.77'
s2=$(serial)
ok_if "the serial grew on reload ($s1 -> $s2)" [ "${s2:-0}" -gt "${s1:-0}" ]

# ---- a broken file: reported, the running data stays
conf 10.0.0.300
kill -HUP "$DAEMON_PID"
ok_if "the log says 'has errors, not reloading'" wait_for 5 log_has 'has errors, not reloading'
ok_if "the error names the file and line 9" log_has "$CONF:9:"
q pool01.contoso.com A
expect_status NOERROR
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.99'
q new.contoso.com A
expect_status NOERROR
ok_if "the serial did not change ($s2 -> $(serial))" [ "$(serial)" = "$s2" ]
ok_if "still running" kill -0 "$DAEMON_PID"

# ---- and fixed again
conf 10.0.0.42
kill -HUP "$DAEMON_PID"
ok_if "a fixed file loads again" wait_for 5 pool_is 10.0.0.42
q new.contoso.com A
expect_status NXDOMAIN

# ---- keys only a restart applies: each named at every reload that asks
# for them, none applied; back as started, none named. The daemon runs
# with -l, so a listen change is not ours to report.
count() {
	grep -c -- "$1" "$DAEMON_LOG"
}
conf 10.0.0.43 '' '[server]' 'user = nobody' 'chroot = /tmp' 'workers = 2' \
    'listen = 127.0.0.1:1'
sed -i '1,2d' "$CONF"	# one [server]: the extra lines open it again
kill -HUP "$DAEMON_PID"
ok_if "the new pool address is served" wait_for 5 pool_is 10.0.0.43
for key in user chroot workers; do
	ok_if "a $key change is named as needing a restart" \
	    log_has "$key change in $CONF requires a restart"
done
ok_if "the -l listener is not reported" [ "$(count 'listen change')" = 0 ]
ok_if "no ttl change is reported" [ "$(count 'ttl change')" = 0 ]
n=$(count 'user change in')
kill -HUP "$DAEMON_PID"
ok_if "a reload of the same file names user again" \
    wait_for 5 eval '[ "$(count "user change in")" -gt "$n" ]'
n=$(count 'user change in')
conf 10.0.0.44
kill -HUP "$DAEMON_PID"
ok_if "back as started: served" wait_for 5 pool_is 10.0.0.44
ok_if "no user change is named once the file is as started" \
    [ "$(count 'user change in')" = "$n" ]

# ---- two domains, one changed: only its zone is compiled again (the other
# zone's answers are shared with the old snapshot), only its serial moves
conf2() {
	cat >"$CONF.new" <<EOF
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = $1

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2

[domain fabrikam.com]
pool = pool01.fabrikam.com
access_edge = sip.fabrikam.com

[host pool01.fabrikam.com]
address = 10.1.0.10, 10.1.0.11

[host sip.fabrikam.com]
address = 203.0.113.20

[host ns1.fabrikam.com]
address = 10.1.0.2
EOF
	mv "$CONF.new" "$CONF"
}
serial_of() {
	dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +short "$1" SOA | awk '{print $3}'
}
reloads() {
	count 'reloaded '
}
conf2 10.0.0.50
n=$(reloads)
kill -HUP "$DAEMON_PID"
ok_if "fabrikam.com comes with a reload" wait_for 5 eval '[ "$(reloads)" -gt "$n" ]'
q pool01.fabrikam.com A
expect_status NOERROR
c1=$(serial_of contoso.com) f1=$(serial_of fabrikam.com)
sleep 1.1	# a new serial follows the clock: one second on at least
n=$(reloads)
kill -HUP "$DAEMON_PID"
ok_if "the same file again: reloaded" wait_for 5 eval '[ "$(reloads)" -gt "$n" ]'
ok_if "the same file again: both zones shared, not compiled again" \
    log_has 'serial [0-9]*; 2 of 2 zones shared'
conf2 10.0.0.51
n=$(reloads)
kill -HUP "$DAEMON_PID"
ok_if "one address changed: contoso.com has it" wait_for 5 pool_is 10.0.0.51
ok_if "one address changed: only fabrikam.com is shared" \
    wait_for 5 log_has 'serial [0-9]*; 1 of 2 zones shared'
q pool01.fabrikam.com A
expect_status NOERROR
expect_rr ANSWER 'pool01.fabrikam.com. 3600 IN A 10.1.0.10'
expect_rr ANSWER 'pool01.fabrikam.com. 3600 IN A 10.1.0.11'
q sip.fabrikam.com A
expect_rr ANSWER 'sip.fabrikam.com. 3600 IN A 203.0.113.20'
q nope.fabrikam.com A
expect_status NXDOMAIN
c2=$(serial_of contoso.com) f2=$(serial_of fabrikam.com)
ok_if "the changed zone's serial moved ($c1 -> $c2)" [ "${c2:-0}" -gt "${c1:-0}" ]
ok_if "the unchanged zone's serial did not ($f1 -> $f2)" [ -n "$f1" ] && [ "$f2" = "$f1" ]
ok_if "a negative answer of the shared zone carries its serial $f1" \
    eval 'dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 nope.fabrikam.com A | grep -q "SOA.* $f1 "'

stop_daemon
rc=$?
LASTQ=
check "$rc" "SIGTERM after reloads: exit status 0 (got $rc)"

finish
