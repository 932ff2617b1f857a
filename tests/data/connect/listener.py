#!/usr/bin/env python3
# listener.py -- the TCP and TLS listeners of t_connect.sh, in one process.
#
# listener.py READY SPEC...: each SPEC is MODE,ADDRESS,PORT[,CERT,KEY];
# writes READY when every socket listens, serves until killed, and prints
# "accept MODE ADDRESS:PORT from PEER" for every connection.
#   tls     TLS with CERT and KEY; answers a SIP request with 200 OK
#   plain   plain TCP; answers anything with a SIP status line
#   silent  accepts, never sends a byte (a TLS handshake times out)
#   full    listens with a full backlog and never accepts: SYNs are dropped
import socket
import ssl
import sys
import threading
import time

held = []	# connections kept open (silent, full)


def read_request(conn):
    data = b""
    conn.settimeout(5)
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
            if not data.startswith(b"OPTIONS"[:len(data)]):
                break	# not SIP (a TLS ClientHello): answer at once
    except (OSError, ssl.SSLError):
        pass
    return data


def answer(conn, data):
    if data.startswith(b"OPTIONS "):
        status = b"SIP/2.0 200 OK"
    else:
        status = b"SIP/2.0 400 Bad Request"
    try:
        conn.sendall(status + b"\r\nContent-Length: 0\r\n\r\n")
    except (OSError, ssl.SSLError):
        pass


def serve_tls(conn, ctx):
    try:
        conn.settimeout(5)
        tconn = ctx.wrap_socket(conn, server_side=True)
    except (OSError, ssl.SSLError):
        conn.close()
        return
    answer(tconn, read_request(tconn))
    tconn.close()


def serve_plain(conn):
    answer(conn, read_request(conn))
    conn.close()


def accept_loop(sock, mode, ctx):
    here = "%s:%d" % sock.getsockname()[:2]
    while True:
        conn, peer = sock.accept()
        # Who connected: the test checks that -b is the source.
        print("accept %s %s from %s" % (mode, here, peer[0]), flush=True)
        if mode == "silent":
            held.append(conn)
            continue
        target = serve_tls if mode == "tls" else serve_plain
        args = (conn, ctx) if mode == "tls" else (conn,)
        threading.Thread(target=target, args=args, daemon=True).start()


def main():
    ready, specs = sys.argv[1], sys.argv[2:]
    for spec in specs:
        f = spec.split(",")
        mode, addr, port = f[0], f[1], int(f[2])
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, port))
        ctx = None
        if mode == "tls":
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(f[3], f[4])
        if mode == "full":
            # Backlog 0: one connection fills the queue (Linux keeps
            # backlog + 1); the kernel drops every later SYN.
            s.listen(0)
            for _ in range(4):
                c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                c.setblocking(False)
                try:
                    c.connect((addr, port))
                except BlockingIOError:
                    pass
                held.append(c)
            time.sleep(0.2)
            held.append(s)
            continue
        s.listen(16)
        threading.Thread(target=accept_loop, args=(s, mode, ctx),
                         daemon=True).start()
    with open(ready, "w") as fp:
        fp.write("ready\n")
    while True:
        time.sleep(3600)


main()
