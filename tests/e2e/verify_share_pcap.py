#!/usr/bin/python3
"""Verify every share message in a pcap with dnspython, an independent DNS and TSIG implementation.

usage: verify_share_pcap.py PCAP KEYSPEC [--question keep|remove] [--negative]

KEYSPEC is dnsperf's -y form, [alg:]name:base64secret. Each packet's TSIG is checked against the
packet's own timestamp (the simulated send time), so a wrong time, MAC or key fails. The script also
proves it can fail: a copy of the first message with one MAC byte flipped must be rejected.
With --negative, negative shares (share.negative) are allowed: NXDOMAIN or NODATA with one
question, no answer and an SOA in the authority section whose TTL equals its MINIMUM.
"""
import base64
import struct
import sys
import time

import dns.message
import dns.name
import dns.rcode
import dns.tsig
import dns.flags
import dns.rdatatype


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise SystemExit(f"{path}: not a pcap (too short)")
    magic = struct.unpack("<I", data[:4])[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a pcap (magic {magic:#x})")
    nanos = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        yield sec + frac / (1e9 if nanos else 1e6), linktype, data[off:off + caplen]
        off += caplen


def udp_payload(linktype, frame):
    if linktype == 1:  # Ethernet
        ethertype = struct.unpack("!H", frame[12:14])[0]
        frame = frame[14:]
        if ethertype not in (0x0800, 0x86DD):
            return None
    elif linktype not in (101, 228, 229, 12, 14):
        raise SystemExit(f"unexpected link type {linktype}")
    version = frame[0] >> 4
    if version == 4:
        ihl = (frame[0] & 0xF) * 4
        if frame[9] != 17:
            return None
        udp = frame[ihl:]
    elif version == 6:
        if frame[6] != 17:
            return None
        udp = frame[40:]
    else:
        return None
    length = struct.unpack("!H", udp[4:6])[0]
    return udp[8:length]


def parse_key(spec):
    parts = spec.split(":")
    if len(parts) == 2:
        alg, name, secret = "hmac-sha256", parts[0], parts[1]
    else:
        alg, name, secret = parts[0], parts[1], ":".join(parts[2:])
    return dns.tsig.Key(dns.name.from_text(name), base64.b64decode(secret), dns.name.from_text(alg))


def check(wire, key, when, question, negative=False):
    real_time = time.time
    time.time = lambda: when  # dnspython validates the time against time.time()
    try:
        msg = dns.message.from_wire(wire, keyring={key.name: key})
    finally:
        time.time = real_time
    problems = []
    if not msg.had_tsig:
        problems.append("no TSIG")
    if not msg.flags & dns.flags.QR:
        problems.append("QR=0")
    if negative and (msg.rcode() == dns.rcode.NXDOMAIN or (msg.rcode() == dns.rcode.NOERROR and not msg.answer)):
        soa = [r for r in msg.authority if r.rdtype == dns.rdatatype.SOA]
        if msg.answer or len(msg.question) != 1 or len(soa) != 1 or soa[0][0].minimum != soa[0].ttl:
            problems.append("negative share without one question and one SOA (TTL = MINIMUM)")
        check.negatives += 1
    else:
        if msg.rcode() != dns.rcode.NOERROR:
            problems.append("rcode " + dns.rcode.to_text(msg.rcode()))
        if not msg.answer:
            problems.append("empty answer section")
    if msg.edns < 0:
        problems.append("no EDNS")
    if question == "keep" and len(msg.question) != 1:
        problems.append(f"{len(msg.question)} questions, expected 1")
    if question == "remove" and msg.question:
        problems.append("question present, expected removed")
    return problems


check.negatives = 0


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    key = parse_key(sys.argv[2])
    question = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--question" else None
    negative = "--negative" in sys.argv[3:]
    passed = failed = 0
    first = None
    for when, linktype, frame in read_pcap(sys.argv[1]):
        wire = udp_payload(linktype, frame)
        if wire is None:
            failed += 1
            print(f"packet {passed + failed}: not UDP")
            continue
        try:
            problems = check(wire, key, when, question, negative)
        except Exception as e:  # any dnspython rejection: BadSignature, BadTime, FormError, ...
            problems = [f"{type(e).__name__}: {e}"]
        if problems:
            failed += 1
            print(f"packet {passed + failed}: " + "; ".join(problems))
        else:
            passed += 1
            first = first or (wire, when)
    if first is not None:
        wire, when = first
        tampered = bytearray(wire)
        tampered[-10] ^= 0x01  # inside the MAC: original id, error and other-len are the last 6 bytes
        try:
            check(bytes(tampered), key, when, question)
            failed += 1
            print("a message with a flipped MAC byte was accepted: the check is not effective")
        except dns.tsig.BadSignature:
            pass
    print(f"share messages verified by dnspython {dns.version.version}")
    if negative:
        print(f"{check.negatives} negative shares")
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and passed > 0 else 1)


if __name__ == "__main__":
    main()
