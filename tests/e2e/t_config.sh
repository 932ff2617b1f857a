#!/usr/bin/env bash
# t_config.sh -- ocsdnsd -t on good and broken configurations (FILE:LINE: errors, warnings), and -V, -h, usage errors.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init

RUN_OUT=
RUN_ERR=
RUN_RC=

# run ARGS...: runs the daemon, keeps stdout, stderr and the exit status.
run() {
	LASTQ="$OCSDNSD $*"
	"$OCSDNSD" "$@" >"$TMPD/run.out" 2>"$TMPD/run.err" </dev/null
	RUN_RC=$?
	RUN_OUT=$(cat "$TMPD/run.out")
	RUN_ERR=$(cat "$TMPD/run.err")
	OUT="exit status $RUN_RC
stdout:
$RUN_OUT
stderr:
$RUN_ERR"
	OUT_SHOWN=0
}

expect_rc() {
	if [ "$RUN_RC" = "$1" ]; then
		pass "exit status $1"
	else
		fail "expected exit status $1, got $RUN_RC"
	fi
}

# expect_err_at FILE LINES: stderr has "FILE:LINE:" for one of LINES ("5" or "3|4").
expect_err_at() {
	local file_re
	file_re=$(re_escape "$1")
	if printf '%s\n' "$RUN_ERR" | grep -qE "^$file_re:($2): "; then
		pass "error at $1:$2"
	else
		fail "expected an error line '$1:$2: ...' on stderr"
	fi
}

# bad NAME LINES WHAT < config: -t must fail with exit 1 and FILE:LINE: on stderr.
bad() {
	local file=$TMPD/$1.ini
	cat >"$file"
	run -t -c "$file"
	expect_rc 1
	expect_err_at "$file" "$2"
	case "$RUN_OUT" in
	*OK*) fail "$3: stdout must not say OK" ;;
	*) pass "$3: no OK" ;;
	esac
}

# ---- the example and a small good file
example=$top_srcdir/conf/ocsdnsd.ini
run -t -c "$example"
expect_rc 0
if printf '%s\n' "$RUN_OUT" | grep -qxE "$(re_escape "$example"): OK: 2 zones, [0-9]+ records"; then
	pass "example: OK line"
else
	fail "expected '$example: OK: 2 zones, M records' on stdout"
fi

good=$TMPD/good.ini
cat >"$good" <<'EOF'
[server]
ttl = 3600

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
run -t -c "$good"
expect_rc 0
if printf '%s\n' "$RUN_OUT" | grep -qxE "$(re_escape "$good"): OK: 1 zones?, [0-9]+ records"; then
	pass "good.ini: OK line"
else
	fail "expected '$good: OK: 1 zones, M records' on stdout"
fi
if [ -z "$RUN_ERR" ]; then
	pass "good.ini: nothing on stderr"
else
	fail "good.ini: stderr must be empty"
fi

# ---- broken files: exit 1, "FILE:LINE: message"
bad bad_address 9 'bad IPv4 address' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.300

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad bad_address6 12 'bad IPv6 address' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10, 2001:db8::zz

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad unknown_key 3 'unknown key in [server]' <<'EOF'
[server]
ttl = 3600
colour = blue

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

bad unknown_key_domain 7 'unknown key in [domain]' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
federaton = yes

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF

# The error is the header, but an INI parser may only notice it at the
# section's first key (the next line): either line is accepted.
bad unknown_section '4|5' 'unknown section' <<'EOF'
[server]
ttl = 3600

[zone contoso.com]
file = contoso.zone

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

label64=$(printf 'a%.0s' $(seq 1 64))
bad bad_name '15|16' 'host name with a 64-character label' <<EOF
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

; a label of 64 characters
[host $label64.contoso.com]
address = 10.0.0.20

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad bad_domain_name '4|5' 'domain name with a 64-character label' <<EOF
[server]
ttl = 3600

[domain $label64.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad duplicate_domain '18|19' 'the same domain twice' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2

; the same domain again
[domain contoso.com]
federation = yes
EOF

bad target_no_address 5 'SRV target without an address' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool09.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad bad_bool 7 'federation = maybe' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
federation = maybe

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad edns_size_range 3 'edns_size under 512' <<'EOF'
[server]
ttl = 3600
edns_size = 100

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

bad bad_port 7 'a port over 65535' <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
sip_tls_port = 70000

[host pool01.contoso.com]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF

bad bad_ttl 2 'ttl that is not a number' <<'EOF'
[server]
ttl = soon

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

# A line far longer than any INI line limit (inih's default is 200): 4,200+
# characters of otherwise valid addresses on line 9.
long=$(for i in $(seq 1 420); do printf '10.0.%d.%d, ' $((i / 200)) $((i % 200 + 1)); done)
bad line_too_long 9 'a line of 4,000+ characters' <<EOF
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com

[host pool01.contoso.com]
address = ${long}10.0.9.9

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF
n=$(sed -n 9p "$TMPD/line_too_long.ini" | wc -c)
ok_if "the long line really is long ($n bytes)" [ "$n" -gt 4096 ]

# ---- a target outside its SIP domain: a warning (strict domain matching), still OK
warn=$TMPD/warn.ini
cat >"$warn" <<'EOF'
[server]
ttl = 3600

[domain contoso.com]
pool = pool01.corp.example
access_edge = sip.contoso.com

[host pool01.corp.example]
address = 10.0.0.10

[host sip.contoso.com]
address = 203.0.113.10

[host ns1.contoso.com]
address = 10.0.0.2
EOF
run -t -c "$warn"
expect_rc 0
if printf '%s\n' "$RUN_ERR" | grep -E "^$(re_escape "$warn"):5: warning: " | grep -qiE 'strict.domain'; then
	pass "warning at line 5 about strict domain matching"
else
	fail "expected '$warn:5: warning: ... strict domain matching ...' on stderr"
fi
case "$RUN_OUT" in
*"$warn: OK: "*) pass "warn.ini: OK" ;;
*) fail "warn.ini: expected '$warn: OK: ...' on stdout" ;;
esac

# ---- a zone record whose wire form does not parse (a NAPTR typo): refused
mkdir -p "$TMPD/wirezones"
cat >"$TMPD/wirezones/contoso.com.zone" <<'EOF'
$TTL 3600
naptr IN NAPTR 100 10 "S" "SIP+D2T"NCLUDE280 \# 4 deadbeef
EOF
cat >"$TMPD/wire.ini" <<EOF
[server]
zones = $TMPD/wirezones

[domain contoso.com]
pool = pool01.contoso.com

[host pool01.contoso.com]
address = 10.0.0.10
EOF
run -t -c "$TMPD/wire.ini"
expect_rc 1
expect_err_at "$TMPD/wirezones/contoso.com.zone" 2
case "$RUN_ERR" in
*"wire form does not parse"*) pass "zone: says the wire form does not parse" ;;
*) fail "zone: expected 'wire form does not parse' on stderr" ;;
esac

# ---- a file that is not there
run -t -c "$TMPD/nonexistent.ini"
expect_rc 1
case "$RUN_ERR" in
*"$TMPD/nonexistent.ini"*) pass "missing file named" ;;
*) fail "stderr must name the missing file" ;;
esac

# ---- command line
run -V
expect_rc 0
if printf '%s\n' "$RUN_OUT" | grep -qE '^ocsdnsd [0-9][^ ]*$'; then
	pass "-V prints 'ocsdnsd VERSION'"
else
	fail "-V must print 'ocsdnsd VERSION' on stdout"
fi
run -h
expect_rc 0
case "$RUN_OUT$RUN_ERR" in
*[Uu]sage*) pass "-h prints usage" ;;
*) fail "-h must print a usage line" ;;
esac
for args in '-Z' '-c' '-l' 'extra-argument'; do
	# shellcheck disable=SC2086 # the options are words
	run $args
	expect_rc 2
	if [ -n "$RUN_ERR" ]; then
		pass "a message on stderr for: $args"
	else
		fail "a usage error must say something on stderr: $args"
	fi
done

finish
