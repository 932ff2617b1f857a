#!/usr/bin/env bash
# t_tsig.sh -- TSIG (RFC 8945): dig with right and wrong keys, BADTIME from
# a request signed with a clock set back, key-only allow_transfer, and NSD
# and Knot as keyed secondaries (transfer, refusal with a wrong key, NOTIFY
# signed after a reload).
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
for tool in nsd knotd; do
	command -v "$tool" >/dev/null 2>&1 ||
	    die "$tool is not installed (the quick start installs nsd and knot)"
done

# 32 bytes "0123456789abcdef0123456789abcdef", and a 20-byte one for SHA-1.
S1=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=
SOLD=b2xkc2Vjb25kYXJ5c2VjcmV0
SBAD=d3Jvbmd3cm9uZ3dyb25nd3Jvbmd3cm9uZ3dyb25nd3I=

NSD_PORT=$(pick_port) || die "no free port for nsd"	# for notify below
mkdir -p "$TMPD/zones"
cat >"$TMPD/zones/example.net.zone" <<'ZONE'
$TTL 600
@	IN SOA ns1.contoso.com. hostmaster.contoso.com. 1 3600 600 86400 60
	IN NS ns1.contoso.com.
www	IN A 192.0.2.80
ZONE
printf '%s\n' "$S1" >"$TMPD/xfr1.key"
chmod 600 "$TMPD/xfr1.key"
{
	cat <<CONF
[server]
zones = zones
allow_transfer = key xfr1, 127.0.0.2 key xfrold, 127.0.0.3
notify = 127.0.0.1:$NSD_PORT key xfr1
[key xfr1]
algorithm = hmac-sha256
secret_file = $TMPD/xfr1.key
[key xfrold]
algorithm = hmac-sha1
secret = $SOLD
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
	# Enough names that an AXFR takes several messages.
	for i in $(seq 1 700); do
		printf '[host h%03d.contoso.com]\naddress = 10.1.%d.%d\n' \
		    "$i" $((i / 200)) $((i % 200 + 1))
	done
} >"$CONF"
start_daemon

# ---- dig -y: a key we do not know, a wrong secret, the right one
q -y "hmac-sha256:nokey:$S1" contoso.com SOA
expect_status NOTAUTH
expect_out_re '^nokey\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 0 [0-9]+ BADKEY 0 ?$'
expect_out_re "^;; Couldn't verify signature: tsig indicates error$"
q -y "hmac-sha256:xfr1:$SBAD" contoso.com SOA
expect_status NOTAUTH
expect_out_re ' BADSIG 0 ?$'
q -y "hmac-sha512:xfr1:$S1" contoso.com SOA
expect_status NOTAUTH
expect_out_re ' BADKEY 0 ?$'
q -y "hmac-sha256:xfr1:$S1" contoso.com SOA
expect_status NOERROR
expect_out_re '^xfr1\.[[:space:]]+0[[:space:]]+ANY[[:space:]]+TSIG[[:space:]]+hmac-sha256\. [0-9]+ 300 32 [^ ]+ [0-9]+ NOERROR 0 ?$'
expect_no_out_re "verify|tsig error"

# ---- signed AXFR: every message verified by dig
q -y "hmac-sha256:xfr1:$S1" contoso.com AXFR
expect_no_out_re "verify|failed|tsig"
ok_if "the signed AXFR opens and closes with the SOA" \
    [ "$(printf '%s\n' "$OUT" | grep -c 'IN[[:space:]]*SOA')" = 2 ]
MSGS=$(printf '%s\n' "$OUT" | sed -n 's/^;; XFR size: [0-9]* records (messages \([0-9]*\),.*/\1/p')
ok_if "the AXFR took several messages, each signed ($MSGS)" [ "${MSGS:-0}" -ge 2 ]
ok_if "each message carries a TSIG" \
    [ "$(printf '%s\n' "$OUT" | grep -c '^xfr1\..*TSIG')" = "$MSGS" ]
q -y "hmac-sha256:xfr1:$S1" www.example.net A
expect_rr ANSWER 'www.example.net. 600 IN A 192.0.2.80'
q -y "hmac-sha256:xfr1:$S1" example.net AXFR
expect_no_out_re "verify|failed"
expect_out_re '^www\.example\.net\.[[:space:]]+600[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.80$'

# ---- allow_transfer with keys
q contoso.com AXFR
expect_out_re '^; Transfer failed\.$'
LASTQ="dig -b 127.0.0.2 -y hmac-sha1:xfrold contoso.com AXFR"
OUT=$(dig -p "$PORT" @127.0.0.1 -b 127.0.0.2 +tries=1 +time=2 -y "hmac-sha1:xfrold:$SOLD" contoso.com AXFR 2>&1)
expect_no_out_re "verify|failed"
expect_out_re '^xfrold\..*TSIG[[:space:]]+hmac-sha1\. [0-9]+ 300 20 '
q -y "hmac-sha1:xfrold:$SOLD" contoso.com AXFR
expect_out_re '^; Transfer failed\.$'
LASTQ="dig -b 127.0.0.3 contoso.com AXFR"
OUT=$(dig -p "$PORT" @127.0.0.1 -b 127.0.0.3 +tries=1 +time=2 contoso.com AXFR 2>&1)
expect_no_out_re "failed"
expect_out_re 'XFR size: '

# ---- BADTIME: a request signed 1000 s in the past (dig cannot fake it)
cat >"$TMPD/badtime.py" <<'PY'
import base64, hashlib, hmac, socket, struct, sys, time
port, secret = int(sys.argv[1]), base64.b64decode(sys.argv[2])
def name(s):
    return b"".join(bytes([len(l)]) + l.encode() for l in s.split(".")) + b"\0"
key, alg = name("xfr1"), name("hmac-sha256")
msg = struct.pack(">HHHHHH", 0x5151, 0, 1, 0, 0, 0) + name("contoso.com") + struct.pack(">HH", 6, 1)
signed = int(time.time()) - 1000
t48 = struct.pack(">HI", signed >> 32, signed & 0xffffffff)
mac = hmac.new(secret, msg + key + struct.pack(">HI", 255, 0) + alg + t48 +
               struct.pack(">HHH", 300, 0, 0), hashlib.sha256).digest()
rdata = alg + t48 + struct.pack(">HH", 300, len(mac)) + mac + struct.pack(">HHH", 0x5151, 0, 0)
pkt = msg[:10] + b"\0\1" + msg[12:] + key + struct.pack(">HHIH", 250, 255, 0, len(rdata)) + rdata
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.sendto(pkt, ("127.0.0.1", port))
r = s.recv(4096)
before = int(time.time())
# header, the question echoed, then the TSIG record (uncompressed names)
q_end = 12 + len(name("contoso.com")) + 4
p = q_end + len(key) + 10
tsig_at = q_end
p += len(alg)
ts = struct.unpack(">HI", r[p:p + 6]); ts = ts[0] << 32 | ts[1]
fudge, mlen = struct.unpack(">HH", r[p + 6:p + 10])
rmac = r[p + 10:p + 10 + mlen]
p += 10 + mlen
oid, err, olen = struct.unpack(">HHH", r[p:p + 6])
other = r[p + 6:p + 6 + olen]
ours = struct.unpack(">HI", other); ours = ours[0] << 32 | ours[1]
# the answer's MAC: request MAC, the answer without its TSIG, the variables
head = r[:10] + struct.pack(">H", struct.unpack(">H", r[10:12])[0] - 1)
want = hmac.new(secret, struct.pack(">H", len(mac)) + mac + head + r[12:tsig_at] +
                key + struct.pack(">HI", 255, 0) + alg + r[q_end + len(key) + 10 + len(alg):][:8] +
                struct.pack(">HH", err, olen) + other, hashlib.sha256).digest()
print("rcode=%d error=%d time_signed_is_ours=%d other_len=%d clock_off=%d mac_ok=%d" % (
    r[3] & 15, err, ts == signed, olen, abs(ours - before) <= 2, hmac.compare_digest(want, rmac)))
PY
LASTQ="python3 badtime.py"
OUT=$(python3 "$TMPD/badtime.py" "$PORT" "$S1" 2>&1)
expect_out_re '^rcode=9 error=18 time_signed_is_ours=1 other_len=6 clock_off=1 mac_ok=1$'

# ---- bad configurations: refused at start, naming file and line
bad_conf() {	# bad_conf EXPECTED-RE: the rest of the file on stdin
	local want=$1
	cat >"$TMPD/bad.ini"
	LASTQ="ocsdnsd -t -c bad.ini"
	OUT=$("$OCSDNSD" -t -c "$TMPD/bad.ini" 2>&1)
	ok_if "ocsdnsd -t refuses: $want" [ $? -ne 0 ]
	expect_out_re "$want"
}
chmod 644 "$TMPD/xfr1.key"
bad_conf "bad.ini:3: secret_file $TMPD/xfr1.key: group or others may read it \\(mode 0644\\): chmod 600 it" <<BAD
[key xfr1]
algorithm = hmac-sha256
secret_file = $TMPD/xfr1.key
BAD
chmod 600 "$TMPD/xfr1.key"
bad_conf "bad.ini:2: allow_transfer: unknown key 'xfr9' \\(no \\[key xfr9\\] section\\)" <<'BAD'
[server]
allow_transfer = 127.0.0.1 key xfr9
BAD
bad_conf "bad.ini:2: algorithm: 'hmac-md5' is not one of" <<'BAD'
[key k]
algorithm = hmac-md5
secret = MDEyMw==
BAD
bad_conf "bad.ini:3: secret: not valid base64" <<'BAD'
[key k]
algorithm = hmac-sha256
secret = not*base64
BAD

# ---- NSD as a keyed secondary
same_answers() {	# same_answers PORT
	local name type a b bad=0
	for name in contoso.com _sipinternaltls._tcp.contoso.com _sip._tls.contoso.com \
	    pool01.contoso.com sip.contoso.com ns1.contoso.com h001.contoso.com \
	    h700.contoso.com nope.contoso.com www.example.net example.net; do
		for type in SOA NS SRV A; do
			a=$(dig -p "$PORT" @127.0.0.1 +tries=1 +time=2 +noall +answer +authority "$name" "$type" | sort)
			b=$(dig -p "$1" @127.0.0.1 +tries=1 +time=2 +noall +answer +authority "$name" "$type" | sort)
			if [ "$a" != "$b" ]; then
				printf 'differ: %s %s\nocsdnsd:\n%s\nsecondary:\n%s\n' "$name" "$type" "$a" "$b"
				bad=1
			fi
		done
	done
	return "$bad"
}
nsd_keyed() {	# nsd_keyed SECRET
	nsd_start < <(
		printf 'key:\n\tname: xfr1\n\talgorithm: hmac-sha256\n\tsecret: "%s"\n' "$1"
		printf 'pattern:\n\tname: "fromocsdnsd"\n'
		printf '\trequest-xfr: AXFR 127.0.0.1@%s xfr1\n' "$PORT"
		printf '\tallow-notify: 127.0.0.1 xfr1\n'
		for zone in contoso.com example.net; do
			printf 'zone:\n\tname: %s\n\tzonefile: "%s.zone"\n' "$zone" "$zone"
			printf '\tinclude-pattern: "fromocsdnsd"\n'
		done
	)
}
# in_log FILE RE: FILE has a line matching RE within 6 s.
in_log() {
	for _ in $(seq 1 30); do
		grep -q -- "$2" "$1" && return 0
		sleep 0.2
	done
	return 1
}
nsd_keyed "$SBAD"
sleep 3
ok_if "NSD with a wrong key has no contoso.com" \
    [ -z "$(serial_of "$NSD_PORT" contoso.com)" ]
ok_if "NSD logs the refused transfer" grep -qi 'tsig\|BADSIG\|NOTAUTH' "$TMPD/nsd/nsd.log"
# A reload: NSD refuses our NOTIFY (not its key), unsigned; we warn.
sed -i 's/^address = 10.0.0.10$/address = 10.0.0.10, 10.0.0.12/' "$CONF"
kill -HUP "$DAEMON_PID"
ok_if "a NOTIFY answer without our key's TSIG is a warning" \
    in_log "$DAEMON_LOG" "notify contoso.com to 127.0.0.1:$NSD_PORT: TSIG error BADSIG in the answer (rcode 9)"
nsd_stop
rm -rf "$TMPD/nsd"

sleep 1
SER=$(serial_of "$PORT" contoso.com)
nsd_keyed "$S1"
ok_if "NSD with the key transferred contoso.com (serial $SER)" nsd_wait_serial contoso.com "$SER"
ok_if "NSD with the key transferred example.net" \
    nsd_wait_serial example.net "$(serial_of "$PORT" example.net)"
ok_if "NSD answers as ocsdnsd does" same_answers "$NSD_PORT"

# ---- a reload: the NOTIFY goes signed, NSD verifies it and follows
sed -i 's/^address = 10.0.0.10, 10.0.0.12$/address = 10.0.0.10, 10.0.0.11/' "$CONF"
sleep 1		# the serial follows the clock: let it move on
kill -HUP "$DAEMON_PID"
for _ in $(seq 1 50); do
	SER2=$(serial_of "$PORT" contoso.com)
	[ -n "$SER2" ] && [ "$SER2" != "$SER" ] && break
	sleep 0.1
done
ok_if "NSD followed the signed NOTIFY to serial $SER2" nsd_wait_serial contoso.com "$SER2"
ok_if "the daemon verified NSD's signed answer to the NOTIFY" \
    in_log "$DAEMON_LOG" "notify contoso.com to 127.0.0.1:$NSD_PORT: acknowledged (TSIG verified)"
# allow-notify names the key: NSD takes the NOTIFY only signed with it.
ok_if "NSD logs the NOTIFY" grep -q 'notify for contoso.com. from 127.0.0.1' "$TMPD/nsd/nsd.log"
ok_if "NSD verified the transfer's TSIG" \
    grep -q "serial $SER2 .*TSIG verified with key xfr1" "$TMPD/nsd/nsd.log"
ok_if "NSD still answers as ocsdnsd does" same_answers "$NSD_PORT"
nsd_stop

# ---- Knot as a keyed secondary: a wrong key, then the right one
SER=$(serial_of "$PORT" contoso.com)
knot_secondary xfr1 hmac-sha256 "$SBAD" contoso.com example.net
sleep 3
ok_if "Knot with a wrong key has no contoso.com" \
    [ -z "$(serial_of "$KNOT_PORT" contoso.com)" ]
ok_if "Knot logs the refused transfer" grep -qi 'tsig\|BADSIG\|NOTAUTH' "$TMPD/knot/knot.log"
knot_stop
rm -rf "$TMPD/knot"
knot_secondary xfr1 hmac-sha256 "$S1" contoso.com example.net
ok_if "Knot with the key transferred contoso.com (serial $SER)" \
    server_wait_serial "$KNOT_PORT" contoso.com "$SER"
ok_if "Knot with the key transferred example.net" \
    server_wait_serial "$KNOT_PORT" example.net "$(serial_of "$PORT" example.net)"
ok_if "Knot answers as ocsdnsd does" same_answers "$KNOT_PORT"
knot_stop
stop_daemon || fail "daemon exit status $?"

# ---- views: a keyed secondary gets the view its key selects
S2=$SOLD
write_conf <<CONF
[server]
allow_transfer = key xfrin
[key xfrin]
algorithm = hmac-sha256
secret = $S1
[key xfrout]
algorithm = hmac-sha512
secret = $S2
[view internal]
match = 127.0.0.1
match_keys = xfrin
[view external]
match = any
match_keys = xfrout
scope = external
allow_transfer = key xfrout
[domain contoso.com]
pool = pool01.contoso.com
access_edge = sip.contoso.com
[host pool01.contoso.com]
address = 10.0.0.10
[host sip.contoso.com]
address = 203.0.113.10
CONF
start_daemon
q pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
q -y "hmac-sha512:xfrout:$S2" pool01.contoso.com A
expect_count ANSWER 0
expect_no_out_re "verify"
LASTQ="dig -b 127.0.0.2 -y hmac-sha256:xfrin pool01.contoso.com A"
OUT=$(dig -p "$PORT" @127.0.0.1 -b 127.0.0.2 +tries=1 +time=2 -y "hmac-sha256:xfrin:$S1" pool01.contoso.com A 2>&1)
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
# The view's own allow_transfer: xfrout transfers the external view only.
q -y "hmac-sha512:xfrout:$S2" contoso.com AXFR
expect_no_out_re "verify|failed"
expect_out_re '^sip\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+203\.0\.113\.10$'
expect_no_out_re 'pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A'
# xfrin from the external view's address: the internal view, by its key.
LASTQ="dig -b 127.0.0.2 -y hmac-sha256:xfrin contoso.com AXFR"
OUT=$(dig -p "$PORT" @127.0.0.1 -b 127.0.0.2 +tries=1 +time=2 -y "hmac-sha256:xfrin:$S1" contoso.com AXFR 2>&1)
expect_no_out_re "verify|failed"
expect_out_re '^pool01\.contoso\.com\.[[:space:]]+3600[[:space:]]+IN[[:space:]]+A[[:space:]]+10\.0\.0\.10$'
# xfrin in the external view: its allow_transfer names only xfrout.
q -y "hmac-sha256:xfrin:$S1" contoso.com AXFR
expect_no_out_re 'failed'
LASTQ="dig -b 127.0.0.2 contoso.com AXFR"
OUT=$(dig -p "$PORT" @127.0.0.1 -b 127.0.0.2 +tries=1 +time=2 contoso.com AXFR 2>&1)
expect_out_re '^; Transfer failed\.$'

# ---- a reload with a bad key is refused; the old keys keep working
sed -i "s|^secret = $S1\$|secret = not*base64|" "$CONF"
kill -HUP "$DAEMON_PID"
ok_if "the reload names the bad secret" \
    in_log "$DAEMON_LOG" "ocsdnsd.ini:5: secret: not valid base64"
ok_if "the reload is refused" grep -q "has errors, not reloading" "$DAEMON_LOG"
q -y "hmac-sha256:xfrin:$S1" pool01.contoso.com A
expect_rr ANSWER 'pool01.contoso.com. 3600 IN A 10.0.0.10'
expect_no_out_re "verify"

stop_daemon || fail "daemon exit status $?"
finish
