#!/usr/bin/python3
"""Replay the queries of a pcap to a resolver, at their capture times (divided by --speed).

usage: replay.py PCAP HOST PORT[,PORT...] [--speed S]
With several ports (several resolvers), query i goes to port i mod their number: round robin,
as sharesim's resolvers.frontend = round-robin.
Each query's DNS payload is sent unchanged but for its id; answers are read by a second thread.
Prints "sent N answered M".
"""
import socket
import struct
import sys
import threading
import time


def queries(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nanos = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if linktype == 1:
            frame = frame[14:]
        if not frame or frame[0] >> 4 != 4 or frame[9] != 17:
            continue
        ihl = (frame[0] & 0xF) * 4
        udp = frame[ihl:]
        if struct.unpack("!H", udp[2:4])[0] != 53:
            continue
        payload = udp[8:struct.unpack("!H", udp[4:6])[0]]
        if len(payload) >= 12 and not payload[2] & 0x80:
            yield sec + frac / (1e9 if nanos else 1e6), payload


def main():
    path, host = sys.argv[1], sys.argv[2]
    ports = [int(p) for p in sys.argv[3].split(",")]
    speed = float(sys.argv[sys.argv.index("--speed") + 1]) if "--speed" in sys.argv else 1.0
    todo = list(queries(path))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    answered = [0]

    def reader():
        sock.settimeout(3.0)
        while True:
            try:
                sock.recv(65535)
                answered[0] += 1
            except socket.timeout:
                return

    thread = threading.Thread(target=reader)
    thread.start()
    start_wall, start_capture = time.monotonic(), todo[0][0]
    for i, (when, payload) in enumerate(todo):
        delay = (when - start_capture) / speed - (time.monotonic() - start_wall)
        if delay > 0:
            time.sleep(delay)
        sock.sendto(struct.pack("!H", i & 0xFFFF) + payload[2:], (host, ports[i % len(ports)]))
    thread.join()
    print(f"sent {len(todo)} answered {answered[0]}")


main()
