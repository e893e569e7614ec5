#!/usr/bin/python3
"""A logging TCP proxy for the PostgreSQL wire protocol: shows which messages a client
sends and the server answers, to see which protocol paths a driver needs.

  /usr/bin/python3 tests/clients/wiretrace.py LISTEN_PORT SERVER_PORT LOG_FILE

Each connection is logged as lines "F Parse name='' query=..." (frontend) and
"B ParseComplete" (backend). SSL/GSS requests are refused ('N') so the stream stays
readable. DataRow contents are not logged. Used by run.sh when CLIENTS_TRACE
is set."""
import socket
import struct
import sys
import threading

FE = {b"P": "Parse", b"B": "Bind", b"D": "Describe", b"E": "Execute", b"S": "Sync",
      b"H": "Flush", b"C": "Close", b"Q": "Query", b"X": "Terminate", b"d": "CopyData",
      b"c": "CopyDone", b"f": "CopyFail", b"p": "Password", b"F": "FunctionCall"}
BE = {b"1": "ParseComplete", b"2": "BindComplete", b"3": "CloseComplete",
      b"C": "CommandComplete", b"D": "DataRow", b"E": "ErrorResponse", b"I": "EmptyQuery",
      b"K": "BackendKeyData", b"N": "Notice", b"R": "Auth", b"S": "ParameterStatus",
      b"T": "RowDescription", b"Z": "ReadyForQuery", b"n": "NoData",
      b"s": "PortalSuspended", b"t": "ParameterDescription", b"G": "CopyIn", b"H": "CopyOut"}
LOCK = threading.Lock()


def cstr(b, i):
    j = b.index(b"\0", i)
    return b[i:j].decode("utf-8", "replace"), j + 1


def describe(side, t, body):
    """One readable line for a message; details for the messages that matter here."""
    name = (FE if side == "F" else BE).get(t, repr(t))
    try:
        if side == "F" and t == b"P":
            stmt, i = cstr(body, 0)
            q, i = cstr(body, i)
            n = struct.unpack_from("!H", body, i)[0]
            oids = struct.unpack_from(f"!{n}I", body, i + 2)
            return f"{name} stmt={stmt!r} param_oids={list(oids)} query={q[:120]!r}"
        if side == "F" and t == b"B":
            portal, i = cstr(body, 0)
            stmt, i = cstr(body, i)
            n = struct.unpack_from("!H", body, i)[0]
            fmts = struct.unpack_from(f"!{n}H", body, i + 2)
            i += 2 + 2 * n
            np = struct.unpack_from("!H", body, i)[0]
            i += 2
            for _ in range(np):
                ln = struct.unpack_from("!i", body, i)[0]
                i += 4 + max(ln, 0)
            nr = struct.unpack_from("!H", body, i)[0]
            rf = struct.unpack_from(f"!{nr}H", body, i + 2)
            return f"{name} portal={portal!r} stmt={stmt!r} param_formats={list(fmts)} nparams={np} result_formats={list(rf)}"
        if side == "F" and t in (b"D", b"C"):
            return f"{name} {chr(body[0])} {body[1:-1].decode()!r}"
        if side == "F" and t == b"E":
            portal, i = cstr(body, 0)
            return f"{name} portal={portal!r} max_rows={struct.unpack_from('!i', body, i)[0]}"
        if side == "F" and t == b"Q":
            return f"{name} {body[:-1].decode('utf-8', 'replace')[:160]!r}"
        if side == "B" and t == b"t":
            n = struct.unpack_from("!H", body, 0)[0]
            return f"{name} {list(struct.unpack_from(f'!{n}I', body, 2))}"
        if side == "B" and t == b"T":
            n = struct.unpack_from("!H", body, 0)[0]
            i, cols = 2, []
            for _ in range(n):
                col, i = cstr(body, i)
                _, _, oid, _, _, fmt = struct.unpack_from("!IHIhiH", body, i)
                i += 18
                cols.append(f"{col}:{oid}{'b' if fmt else ''}")
            return f"{name} {cols}"
        if side == "B" and t in (b"E", b"N"):
            fields = {}
            i = 0
            while body[i] != 0:
                k = chr(body[i])
                v, i = cstr(body, i + 1)
                fields[k] = v
            return f"{name} {fields.get('C')} {fields.get('M')!r}"
        if side == "B" and t == b"C":
            return f"{name} {body[:-1].decode()!r}"
        if side == "B" and t == b"S":
            k, i = cstr(body, 0)
            v, _ = cstr(body, i)
            return f"{name} {k}={v}"
        if side == "B" and t == b"Z":
            return f"{name} {body.decode()}"
    except (struct.error, ValueError, IndexError) as e:
        return f"{name} (undecodable: {e})"
    return name


def pump(src, dst, side, log, cid, startup):
    buf = b""
    first = startup
    while True:
        try:
            data = src.recv(65536)
        except OSError:
            data = b""
        if not data:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            return
        buf += data
        out = b""
        while True:
            if first:
                if len(buf) < 8:
                    break
                ln, code = struct.unpack_from("!iI", buf, 0)
                if len(buf) < ln:
                    break
                msg, buf = buf[:ln], buf[ln:]
                if code in (80877103, 80877104):  # SSLRequest, GSSENCRequest: refuse
                    src.sendall(b"N")
                    continue
                first = False
                with LOCK:
                    log.write(f"[{cid}] F Startup\n")
                out += msg
                continue
            if len(buf) < 5:
                break
            ln = struct.unpack_from("!i", buf, 1)[0]
            if len(buf) < 1 + ln:
                break
            t, body = buf[:1], buf[5:1 + ln]
            out += buf[:1 + ln]
            buf = buf[1 + ln:]
            if not (side == "B" and t == b"D"):
                with LOCK:
                    log.write(f"[{cid}] {side} {describe(side, t, body)}\n")
        if out:
            dst.sendall(out)
        log.flush()


def main():
    listen, server, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    log = open(path, "a")
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", listen))
    ls.listen(64)
    cid = 0
    while True:
        c, _ = ls.accept()
        cid += 1
        s = socket.create_connection(("127.0.0.1", server))
        threading.Thread(target=pump, args=(c, s, "F", log, cid, True), daemon=True).start()
        threading.Thread(target=pump, args=(s, c, "B", log, cid, False), daemon=True).start()


main()
