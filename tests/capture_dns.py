# DNS queries and crafted answers over loopback, for comparing with tcpdump (no network needed).
import socket, struct, sys, time

def name(n):
    return b"".join(bytes([len(l)]) + l.encode() for l in n.split(".") if l) + b"\0"

def msg(id, flags, qd=[], an=[], ns=[], ar=[]):
    return struct.pack(">HHHHHH", id, flags, len(qd), len(an), len(ns), len(ar)) + b"".join(list(qd) + list(an) + list(ns) + list(ar))

def q(n, t=1, c=1):
    return name(n) + struct.pack(">HH", t, c)

def rr(n, t, data, c=1, ttl=300):
    owner = n if isinstance(n, bytes) else name(n)
    return owner + struct.pack(">HHIH", t, c, ttl, len(data)) + data

PTR12 = b"\xc0\x0c"  # compression pointer to the first question name
soa = name("ns1.example.com") + name("hostmaster.example.com") + struct.pack(">IIIII", 2024010101, 7200, 3600, 1209600, 300)
opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0x8000, 0)
pairs = [
    (msg(0x1234, 0x0100, [q("example.com")]),
     msg(0x1234, 0x8180, [q("example.com")], [rr(PTR12, 1, bytes([10, 0, 0, 1]))])),
    (msg(2, 0x0100, [q("www.example.com", 28)], ar=[opt]),
     msg(2, 0x8180, [q("www.example.com", 28)],
         [rr(PTR12, 5, name("web.example.com")), rr(name("web.example.com"), 28, socket.inet_pton(socket.AF_INET6, "2001:db8::1"))],
         ar=[opt])),
    (msg(3, 0x0100, [q("nope.example.com")]),
     msg(3, 0x8583, [q("nope.example.com")], ns=[rr(name("example.com"), 6, soa)])),
    (msg(4, 0x0000, [q("example.com", 15)]),
     msg(4, 0x8400, [q("example.com", 15)], [rr(PTR12, 15, struct.pack(">H", 10) + name("mx.example.com")),
                                             rr(PTR12, 16, b"\x05hello\x0bv=spf1 -all")])),
    (msg(5, 0x0110, [q("1.0.0.10.in-addr.arpa", 12)]),
     msg(5, 0x8180, [q("1.0.0.10.in-addr.arpa", 12)], [rr(PTR12, 12, name("host.example.com"))])),
    (msg(6, 0x0100, [q("_http._tcp.example.com", 33), q("example.com", 65)]),
     msg(6, 0x8182, [q("_http._tcp.example.com", 33)], [rr(PTR12, 33, struct.pack(">HHH", 1, 2, 80) + name("srv.example.com"))])),
    # EDNS options (dig sends a cookie), a few invalid ones.
    (msg(10, 0x0120, [q("example.com")], ar=[b"\0" + struct.pack(">HHIH", 41, 1232, 0, 12) + struct.pack(">HH", 10, 8) + bytes(range(1, 9))]),
     msg(10, 0x81a0, [q("example.com")], [rr(PTR12, 1, bytes([192, 0, 2, 7]))],
         ar=[b"\0" + struct.pack(">HHI", 41, 4096, 0x8000) + struct.pack(">H", 4 + 24 + 4 + 3 + 4 + 7 + 4 + 2 + 4 + 4 + 4 + 4 + 4 + 2 + 4 + 3 + 4 + 1 + 4 + 5)
             + struct.pack(">HH", 10, 24) + bytes(range(24))
             + struct.pack(">HH", 12, 3) + bytes(3)
             + struct.pack(">HHHBB", 8, 7, 1, 24, 0) + bytes([198, 51, 100])
             + struct.pack(">HHH", 11, 2, 25)
             + struct.pack(">HHI", 9, 4, 86400)
             + struct.pack(">HHHH", 14, 4, 20326, 1)
             + struct.pack(">HHH", 5, 2, 0x080d)
             + struct.pack(">HH", 3, 3) + b"ns1"
             + struct.pack(">HH", 10, 1) + b"\x01"
             + struct.pack(">HH", 99, 5) + b"abcde"])),
    # Malformed: cut short, a pointer loop, a bad label type, a forward pointer, too short.
    (msg(7, 0x0100, [q("example.com")])[:20],
     msg(7, 0x8180, [q("example.com")], [rr(b"\xc0\x1d", 1, bytes(4))])),
    (msg(8, 0x0100, [b"\x81abc\0\0\1\0\1"]),
     msg(8, 0x8180, [q("a.example")], [rr(b"\xc0\x30", 1, bytes(4))])),
    (b"\x00\x09\x01", msg(9, 0x8180, [q("x")], [rr(PTR12, 1, bytes(2))])),
]
mdns = [
    (msg(0, 0, [q("printer.local", 12, 0x8001)]),
     msg(0, 0x8400, [], [rr(name("printer.local"), 1, bytes([169, 254, 1, 2]), c=0x8001, ttl=120)])),
]
if __name__ == "__main__":
    fam, addr = (socket.AF_INET6, "::1") if sys.argv[1:] == ["6"] else (socket.AF_INET, "127.0.0.1")
    servers = {}
    for port in (53, 5353):
        servers[port] = socket.socket(fam, socket.SOCK_DGRAM)
        servers[port].bind((addr, port))
    client = socket.socket(fam, socket.SOCK_DGRAM)
    client.bind((addr, 40053))
    # Loopback does not lose datagrams, but if one goes missing say so at once rather than
    # waiting out the test's time bound.
    for s in list(servers.values()) + [client]:
        s.settimeout(5)
    for (query, answer), port in [(p, 53) for p in pairs] + [(p, 5353) for p in mdns]:
        server = servers[port]
        try:
            client.sendto(query, (addr, port))
            _, peer = server.recvfrom(2048)
            server.sendto(answer, peer)
            client.recvfrom(2048)
        except socket.timeout:
            sys.exit(f"capture_dns.py: no datagram within 5 s (port {port}, query {query[:12].hex()})")
        time.sleep(0.02)  # let the capturing tcpdumps keep up
