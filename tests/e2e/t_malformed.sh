#!/usr/bin/env bash
# t_malformed.sh -- hostile packets: compression in later records, bad OPT records, every opcode, garbage, random bytes.
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

e2e_init
use_example_conf
# The synthesized records are enough here: no zone files (their relative
# directory is not next to the copy anyway).
sed -i '/^zones[ \t]*=/d' "$CONF"
start_daemon

FORMERR=1
NOTIMP=4

# One A record of 4 bytes of rdata, after the owner name given as hex.
rr_a='+ hx("00010001000000000004") + hx("0a000001")'
# contoso.com SOA, the question every case below asks (12 + 17 = 29 bytes).
Q='question("contoso.com", 6)'

# ---- compression after the question. The server walks the other records
# only to find the OPT: a pointer ends an owner name and is never followed,
# so a loop or forward pointer there cannot hurt it. Those messages get their
# answer; anything that breaks the record structure gets FORMERR.
# an additional record whose owner points to itself (offset 29)
raw_udp "hdr(id=0x7001, ar=1) + $Q + hx(\"c01d\") $rr_a"
expect_raw id=28673 qr=1 rcode=0 an=1 q=contoso.com/6/1
# a label, then a pointer back to that label: a loop of two
raw_udp "hdr(id=0x7002, ar=1) + $Q + hx(\"016bc01d\") $rr_a"
expect_raw id=28674 qr=1 rcode=0 an=1
# a forward pointer (to the record's rdata) and one past the end
raw_udp "hdr(id=0x7003, ar=1) + $Q + hx(\"c02b\") $rr_a"
expect_raw id=28675 qr=1 rcode=0 an=1
raw_udp "hdr(id=0x7004, ar=1) + $Q + hx(\"3fff\") $rr_a"
expect_raw id=28676 qr=1 rcode=$FORMERR
raw_udp "hdr(id=0x7005, ar=1) + $Q + hx(\"ffff\") $rr_a"
expect_raw id=28677 qr=1 rcode=0 an=1
# the same in the answer and authority sections of the query
raw_udp "hdr(id=0x7006, an=1) + $Q + hx(\"c01d\") $rr_a"
expect_raw id=28678 qr=1 rcode=0 an=1
raw_udp "hdr(id=0x7007, ns=1) + $Q + hx(\"c0ff\") $rr_a"
expect_raw id=28679 qr=1 rcode=0 an=1
# a pointer cut in half at the end of the message
raw_udp "hdr(id=0x7008, ar=1) + $Q + hx(\"c0\")"
expect_raw id=28680 qr=1 rcode=$FORMERR
# the reserved label types 01 and 10 (0x40, 0x80)
raw_udp "hdr(id=0x7009, ar=1) + $Q + hx(\"4001\") $rr_a"
expect_raw id=28681 qr=1 rcode=$FORMERR
raw_udp "hdr(id=0x700a, ar=1) + $Q + hx(\"8001\") $rr_a"
expect_raw id=28682 qr=1 rcode=$FORMERR
# an owner name of more than 255 bytes, and a label past the end
raw_udp "hdr(id=0x700b, ar=1) + $Q + name(\".\".join([\"a\" * 63] * 5)) $rr_a"
expect_raw id=28683 qr=1 rcode=$FORMERR
raw_udp "hdr(id=0x700c, ar=1) + $Q + hx(\"3f6161\")"
expect_raw id=28684 qr=1 rcode=$FORMERR
# a record whose rdlength runs past the end, and one cut in its fixed part
raw_udp "hdr(id=0x700d, ar=1) + $Q + hx(\"00\") + hx(\"000100010000000000ff\") + hx(\"0a000001\")"
expect_raw id=28685 qr=1 rcode=$FORMERR
raw_udp "hdr(id=0x700e, ar=1) + $Q + hx(\"00\") + hx(\"00010001\")"
expect_raw id=28686 qr=1 rcode=$FORMERR
expect_alive

# ---- bad OPT records: FORMERR, and no OPT in the reply (RFC 6891 7)
# rdlength past the end of the message
raw_udp "hdr(id=0x7101, ar=1) + $Q + hx(\"00\") + hx(\"002904d0000000000010\") + hx(\"000a0002abcd\")"
expect_raw id=28929 qr=1 rcode=$FORMERR opt=0
# an option whose length runs past the rdata (and past the message)
raw_udp "hdr(id=0x7102, ar=1) + $Q + opt(options=hx(\"000a0010\") + b\"\\x01\" * 8)"
expect_raw id=28930 qr=1 rcode=$FORMERR opt=0
raw_udp "hdr(id=0x7103, ar=1) + $Q + opt(options=hx(\"00030001\"))"
expect_raw id=28931 qr=1 rcode=$FORMERR opt=0
# an option header cut short (2 bytes of the 4)
raw_udp "hdr(id=0x7104, ar=1) + $Q + opt(options=hx(\"000a\"))"
expect_raw id=28932 qr=1 rcode=$FORMERR opt=0
# the owner is not the root: a name, or a pointer (even one to a zero byte)
raw_udp "hdr(id=0x7105, ar=1) + $Q + name(\"contoso.com\") + opt()[1:]"
expect_raw id=28933 qr=1 rcode=$FORMERR opt=0
raw_udp "hdr(id=0x7106, ar=1) + $Q + hx(\"c01c\") + opt()[1:]"
expect_raw id=28934 qr=1 rcode=$FORMERR opt=0
# two OPT records, also when the second one is broken
raw_udp "hdr(id=0x7107, ar=2) + $Q + opt() + opt(size=4096)"
expect_raw id=28935 qr=1 rcode=$FORMERR opt=0
raw_udp "hdr(id=0x7108, ar=2) + $Q + opt() + opt(options=hx(\"ffff\"))"
expect_raw id=28936 qr=1 rcode=$FORMERR opt=0
# an OPT in the answer or the authority section
raw_udp "hdr(id=0x7109, an=1) + $Q + opt()"
expect_raw id=28937 qr=1 rcode=$FORMERR opt=0
raw_udp "hdr(id=0x710a, ns=1) + $Q + opt()"
expect_raw id=28938 qr=1 rcode=$FORMERR opt=0
# an OPT after another record of the additional section is fine
raw_udp "hdr(id=0x710b, ar=2) + $Q + hx(\"c00c\") $rr_a + opt()"
expect_raw id=28939 qr=1 rcode=0 an=1 opt=1 udp=1232
# a broken option with a version above 0: malformed wins over BADVERS
raw_udp "hdr(id=0x710c, ar=1) + $Q + opt(ver=1, options=hx(\"000a00ff\"))"
expect_raw id=28940 qr=1 rcode=$FORMERR opt=0
# legal but odd: UDP size 0 (taken as 512), unknown options (not echoed),
# extended rcode bits in the query (ignored)
raw_udp "hdr(id=0x710d, ar=1) + $Q + opt(size=0)"
expect_raw id=28941 qr=1 rcode=0 an=1 opt=1 udp=1232 ext_rcode=0
raw_udp "hdr(id=0x710e, ar=1) + question(\"_sipinternaltls._tcp.fabrikam.com\", 33) + opt(size=1)"
expect_raw id=28942 qr=1 rcode=0 an=2 opt=1
case " $RAW " in
*" len="[0-9]" "*|*" len="[0-9][0-9]" "*|*" len="[0-4][0-9][0-9]" "*|*" len="50[0-9]" "*|*" len="51[0-2]" "*)
	pass "reply to a tiny EDNS size fits in 512 bytes" ;;
*) fail "reply to EDNS size 1 is over 512 bytes: $RAW" ;;
esac
raw_udp "hdr(id=0x710f, ar=1) + $Q + opt()"
plain_len=$(printf '%s\n' "$RAW" | sed -n 's/.* \(len=[0-9]*\) .*/\1/p')
raw_udp "hdr(id=0x710f, ar=1) + $Q + opt(options=hx(\"fde90004deadbeef\") + hx(\"000800070001180a000000\"))"
expect_raw id=28943 qr=1 rcode=0 an=1 ar=1 opt=1 "$plain_len"
raw_udp "hdr(id=0x7110, ar=1) + $Q + opt(ercode=0xff)"
expect_raw id=28944 qr=1 rcode=0 an=1 opt=1 ext_rcode=0
expect_alive

# ---- every opcode, over UDP and TCP: QUERY answers, the others NOTIMP
# with ID and opcode echoed, nothing else.
for op in $(seq 0 15); do
	id=$((0x7200 + op))
	for tr in udp tcp; do
		"raw_$tr" "hdr(id=$id, opcode=$op, rd=1) + $Q"
		if [ "$op" = 0 ]; then
			expect_raw "id=$id" qr=1 opcode=0 aa=1 rd=1 rcode=0 qd=1 an=1
		else
			expect_raw "id=$id" qr=1 "opcode=$op" aa=0 rd=0 "rcode=$NOTIMP" \
			    qd=0 an=0 ns=0 ar=0 len=12
		fi
	done
done
expect_alive

# ---- garbage after the question (and after a good OPT): FORMERR
for junk in 'b"\x00"' 'hx("00000000")' 'hx("c00c")' 'b"\xff" * 11' 'b"A" * 600'; do
	raw_udp "hdr(id=0x7301) + $Q + $junk"
	expect_raw id=29441 qr=1 rcode=$FORMERR an=0
	raw_tcp "hdr(id=0x7302) + $Q + $junk"
	expect_raw id=29442 qr=1 rcode=$FORMERR an=0
	raw_udp "hdr(id=0x7303, ar=1) + $Q + opt() + $junk"
	expect_raw id=29443 qr=1 rcode=$FORMERR opt=0
done
expect_alive

# ---- random bytes: a bounded number of packets from a fixed seed, some
# pure noise, some mutated real queries, sent over UDP in bursts; every
# reply must be a well-formed response to one of them. Then a few TCP
# connections that send noise (framed and unframed).
cat >"$TMPD/noise.py" <<'PYEOF'
import random, socket, struct, sys, time
sys.path.insert(0, sys.argv[2])
from raw import hdr, question, opt, summary

port = int(sys.argv[1])
rng = random.Random(20240501)
bases = [hdr(id=1) + question("contoso.com", 6),
         hdr(id=2, ar=1) + question("_sip._tls.contoso.com", 33) + opt(),
         hdr(id=3) + question("version.bind", 16, 3),
         hdr(id=4, ar=1) + question("lyncdiscover.contoso.com", 1) + opt(512)]
pkts = []
for i in range(2000):
    if i % 2 == 0:
        p = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 300)))
    else:
        p = bytearray(rng.choice(bases))
        for _ in range(rng.randrange(1, 6)):
            op = rng.randrange(3)
            if op == 0 and p:
                p[rng.randrange(len(p))] = rng.randrange(256)
            elif op == 1:
                at = rng.randrange(len(p) + 1)
                p[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
            elif p:
                del p[rng.randrange(len(p)):]
        p = bytes(p)
    pkts.append(p)

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("127.0.0.1", port))
bad = replies = 0
deadline = time.time() + 60
for start in range(0, len(pkts), 100):
    for p in pkts[start:start + 100]:
        try:
            s.send(p)
        except OSError:
            pass
    s.settimeout(0.2)
    while True:
        try:
            r = s.recv(65535)
        except socket.timeout:
            break
        except ConnectionRefusedError:
            print("port closed: the daemon died"); sys.exit(1)
        replies += 1
        if len(r) < 12 or not (r[2] & 0x80) or len(r) > 1232 or "unparsable" in summary(r):
            bad += 1
            print("bad reply:", r.hex())
    if time.time() > deadline:
        print("out of time"); sys.exit(1)
print("udp: sent %d, replies %d, bad %d" % (len(pkts), replies, bad))

for i in range(20):
    t = socket.create_connection(("127.0.0.1", port), timeout=2)
    p = pkts[rng.randrange(len(pkts))]
    if i % 2:
        t.sendall(struct.pack("!H", len(p)) + p)
    else:
        t.sendall(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
    t.close()
sys.exit(1 if bad else 0)
PYEOF
noise_out=$(timeout 120 python3 "$TMPD/noise.py" "$PORT" "$TMPD" 2>&1)
check $? "2000 random packets: every reply well formed ($noise_out)"
e2e_log "$noise_out"
expect_alive
q _sip._tls.contoso.com SRV
expect_status NOERROR
expect_rr ANSWER '_sip._tls.contoso.com. 3600 IN SRV 0 0 443 sip.contoso.com.'
raw_tcp "hdr(id=0x7401) + $Q"
expect_raw id=29697 qr=1 rcode=0 an=1
ok_if "the daemon is still running" kill -0 "$DAEMON_PID"

finish
