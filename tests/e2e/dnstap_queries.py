#!/usr/bin/python3
"""The known set of queries of the dnstap scenario, sent to Unbound on 127.0.0.1:PORT with
dnspython, one at a time; prints each answer. usage: dnstap_queries.py PORT

Expected (resolver_dnstap.sh unbound's configuration): 10 client queries, 10 client responses; Unbound
asks NSD twice (www.auth.example A once, then from its cache; nx.auth.example A once).
"""
import sys

import dns.flags
import dns.message
import dns.query
import dns.rcode

QUERIES = [  # name, type, over TCP, RD
    ("www.local.example", "A", False, True),       # NOERROR, 1 A
    ("www.local.example", "AAAA", False, True),    # NOERROR, 1 AAAA
    ("WWW.Local.Example", "A", False, True),       # the same name, case folded by sharesim
    ("www.local.example", "TXT", False, True),     # NOERROR, no data
    ("nx.local.example", "A", False, True),        # NXDOMAIN (local zone)
    ("mail.local.example", "MX", True, True),      # over TCP: NOERROR, 1 MX
    ("www.auth.example", "A", False, True),        # asked of NSD: RESOLVER_QUERY/RESPONSE
    ("www.auth.example", "A", False, True),        # from Unbound's cache
    ("nx.auth.example", "A", False, True),         # asked of NSD: NXDOMAIN
    ("www.local.example", "A", False, False),      # without RD: still a client's query
]


def main():
    port = int(sys.argv[1])
    for name, qtype, tcp, rd in QUERIES:
        q = dns.message.make_query(name, qtype)
        if not rd:
            q.flags &= ~dns.flags.RD
        send = dns.query.tcp if tcp else dns.query.udp
        r = send(q, "127.0.0.1", port=port, timeout=5)
        answers = " ".join(str(rr) for rrset in r.answer for rr in rrset)
        print(f"{name} {qtype}{' tcp' if tcp else ''}{'' if rd else ' norec'}: "
              f"{dns.rcode.to_text(r.rcode())} {answers}")


if __name__ == "__main__":
    main()
