#!/usr/bin/python3
"""Decode a dnstap file independently of sharesim (Frame Streams and protobuf by hand, the DNS
messages with dnspython) and print one line per data frame, then totals as JSON on the last line.

usage: dnstap_frames.py FILE.dnstap

A frame line: index, byte offset, message type, initiator and responder addresses, protocol,
then the DNS message's flags, name, type, rcode and answer count. The totals count frames of
every type; queries, responses, rcodes and names only of the CLIENT_* and RESOLVER_* frames (a
resolver's two sides, what a trace is made of).
"""
import json
import socket
import struct
import sys

import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

TYPES = {1: "AUTH_QUERY", 2: "AUTH_RESPONSE", 3: "RESOLVER_QUERY", 4: "RESOLVER_RESPONSE",
         5: "CLIENT_QUERY", 6: "CLIENT_RESPONSE", 7: "FORWARDER_QUERY", 8: "FORWARDER_RESPONSE",
         9: "STUB_QUERY", 10: "STUB_RESPONSE", 11: "TOOL_QUERY", 12: "TOOL_RESPONSE",
         13: "UPDATE_QUERY", 14: "UPDATE_RESPONSE"}
PROTOCOLS = {1: "UDP", 2: "TCP", 3: "DOT", 4: "DOH", 5: "DNSCryptUDP", 6: "DNSCryptTCP", 7: "DOQ"}


def varint(buf, pos):
    value = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def fields(buf):
    """protobuf fields as {number: [values]} (varints as ints, length-delimited as bytes)."""
    out, pos = {}, 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = varint(buf, pos)
        elif wire == 1:
            value, pos = struct.unpack_from("<Q", buf, pos)[0], pos + 8
        elif wire == 5:
            value, pos = struct.unpack_from("<I", buf, pos)[0], pos + 4
        elif wire == 2:
            n, pos = varint(buf, pos)
            value, pos = bytes(buf[pos:pos + n]), pos + n
        else:
            raise ValueError(f"wire type {wire}")
        out.setdefault(number, []).append(value)
    return out


def frames(data):
    """Data frames of a Frame Streams file, with their offsets; checks START and STOP."""
    pos = 0
    escape, length, ctype = struct.unpack_from(">III", data, pos)
    assert escape == 0 and ctype == 2, "no START frame"
    pos += 8 + length
    while True:
        (length,) = struct.unpack_from(">I", data, pos)
        if length == 0:
            (clen, ctype) = struct.unpack_from(">II", data, pos + 4)
            assert ctype == 3, f"control frame {ctype} at {pos}"
            assert pos + 8 + clen == len(data), "bytes after STOP"
            return
        yield pos, data[pos + 4:pos + 4 + length]
        pos += 4 + length


def addr(b):
    if not b:
        return "-"
    return socket.inet_ntop(socket.AF_INET if len(b) == 4 else socket.AF_INET6, b)


def main():
    data = open(sys.argv[1], "rb").read()
    totals = {"frames": 0, "types": {}, "queries": {}, "responses": {}, "rcodes": {}, "names": set()}
    for i, (off, frame) in enumerate(frames(data)):
        top = fields(frame)
        msg = fields(top[14][0])
        mtype = TYPES.get(msg[1][0], str(msg[1][0]))
        wire = msg.get(14 if mtype.endswith("RESPONSE") else 10, [b""])[0]
        m = dns.message.from_wire(wire)
        q = m.question[0]
        name = q.name.to_text().lower()
        qtype = dns.rdatatype.to_text(q.rdtype)
        rcode = dns.rcode.to_text(m.rcode())
        resp = mtype.endswith("RESPONSE")
        flags = dns.flags.to_text(m.flags) + (" DO" if m.ednsflags & dns.flags.DO else "")
        sec, nsec = msg.get(12 if resp else 8, [0])[0], msg.get(13 if resp else 9, [0])[0]
        print(f"{i} @{off} {sec}.{nsec:09d} {mtype} {addr(msg.get(4, [b''])[0])} -> {addr(msg.get(5, [b''])[0])} "
              f"{PROTOCOLS.get(msg.get(3, [0])[0], '-')} [{flags}] {name} {qtype} {rcode} an={len(m.answer)}")
        totals["frames"] += 1
        totals["types"][mtype] = totals["types"].get(mtype, 0) + 1
        if not mtype.startswith(("CLIENT_", "RESOLVER_")):
            continue  # the totals below are of what a resolver's trace is made of
        totals["names"].add(name)
        side = "responses" if m.flags & 0x8000 else "queries"
        totals[side][qtype] = totals[side].get(qtype, 0) + 1
        if m.flags & 0x8000:
            totals["rcodes"][rcode] = totals["rcodes"].get(rcode, 0) + 1
    totals["names"] = len(totals["names"])
    print(json.dumps(totals, sort_keys=True))


if __name__ == "__main__":
    main()
