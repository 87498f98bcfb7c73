#!/usr/bin/python3
"""Write a pcap (raw IP) of DNS over fragmented UDP, to test reassembly against tshark.

usage: make_fragments.py OUT.pcap

Contents, in this order of packets:
  1. an IPv4 query for big.example. TXT (not fragmented);
  2-5. its 3,000-byte IPv4 response in three fragments: the last, the middle, the middle
       again (a duplicate), then the first;
  6. an IPv6 query for big6.example. TXT;
  7-8. its response in two IPv6 fragments (fragment header), in order;
  9. the first fragment of a response whose rest never comes (incomplete);
 10. an IPv4 query for small.example. A (not fragmented).
"""
import struct
import sys

import dns.message
import dns.rdataclass
import dns.rdatatype
import dns.rrset

T0 = 1700000000


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ip4(src, dst, ident, flags_frag, payload, proto=17):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_frag, 64, proto, 0,
                      bytes(src), bytes(dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def ip6(src, dst, next_header, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), next_header, 64, bytes(src), bytes(dst)) + payload


def frag6(ident, offset, more, next_header, data):
    return struct.pack("!BBHI", next_header, 0, offset | (1 if more else 0), ident) + data


def response(query, name, n):
    r = dns.message.make_response(query)
    r.flags |= 0x0400  # AA
    rr = dns.rrset.from_text(name, 300, "IN", "TXT", *['"%s"' % ("x" * 200 + str(i)) for i in range(n)])
    r.answer.append(rr)
    return r.to_wire()


def main():
    client4, server4 = [192, 0, 2, 1], [192, 0, 2, 53]
    client6 = [0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [1]
    server6 = [0x20, 0x01, 0x0D, 0xB8] + [0] * 11 + [0x53]
    packets = []
    q = dns.message.make_query("big.example.", "TXT")
    q.id = 1
    packets.append(ip4(client4, server4, 100, 0, udp(40000, 53, q.to_wire())))
    big = udp(53, 40000, response(q, "big.example.", 14))
    assert len(big) > 2960, len(big)
    parts = [big[0:1480], big[1480:2960], big[2960:]]
    frags = [ip4(server4, client4, 7, (0x2000 if i < 2 else 0) | (i * 1480 // 8), p) for i, p in enumerate(parts)]
    packets += [frags[2], frags[1], frags[1], frags[0]]
    q6 = dns.message.make_query("big6.example.", "TXT")
    q6.id = 2
    packets.append(ip6(client6, server6, 17, udp(40001, 53, q6.to_wire())))
    big6 = udp(53, 40001, response(q6, "big6.example.", 8))
    packets.append(ip6(server6, client6, 44, frag6(99, 0, True, 17, big6[:1232])))
    packets.append(ip6(server6, client6, 44, frag6(99, 1232, False, 17, big6[1232:])))
    q3 = dns.message.make_query("lost.example.", "TXT")
    lost = udp(53, 40002, response(q3, "lost.example.", 14))
    packets.append(ip4(server4, client4, 8, 0x2000, lost[:1480]))
    q4 = dns.message.make_query("small.example.", "A")
    packets.append(ip4(client4, server4, 101, 0, udp(40003, 53, q4.to_wire())))
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))  # LINKTYPE_RAW
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", T0 + i, 0, len(p), len(p)) + p)


if __name__ == "__main__":
    main()
