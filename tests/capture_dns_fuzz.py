# Write a pcap of mutated DNS messages (the crafted ones of capture_dns.py, bytes changed, cut,
# inserted) as Ethernet/IPv4/UDP to port 53 or 5353, for comparing with tcpdump -r.
# Usage: capture_dns_fuzz.py SEED COUNT OUT.pcap
import os, random, struct, sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import capture_dns as d

extra = [
    # A bit-string label, A6, URI, UNSPECA and TSIG records.
    d.msg(20, 0x8180, [b"\x41\x0c\xab\xc0\x03com\x00\x00\x01\x00\x01"], [d.rr(d.PTR12, 1, bytes(4))]),
    d.msg(21, 0x8180, [d.q("a6.example", 38)], [d.rr(d.PTR12, 38, b"\x40" + bytes(8) + d.name("p.example"))]),
    d.msg(22, 0x8180, [d.q("u.example", 256)], [d.rr(d.PTR12, 256, struct.pack(">HH", 10, 1) + b"https://x/")]),
    d.msg(23, 0x8180, [d.q("n.example", 104)], [d.rr(d.PTR12, 104, b"opaque")]),
    d.msg(24, 0x8180, [d.q("t.example")], ar=[d.rr(d.name("key"), 250, d.name("hmac-sha256") + bytes(6)
                                                  + struct.pack(">HH", 300, 2) + b"\x01\x02" + struct.pack(">HHH", 24, 0, 0), c=255, ttl=0)]),
    # A CHAIN EDNS option (a name whose pointer counts from the option's end, here into bytes
    # after the last record) and a URI record too short for its priority and weight.
    d.msg(25, 0x0100, [d.q("c.example")], ar=[b"\0" + struct.pack(">HHIHHH", 41, 1232, 0, 9, 13, 5) + b"\x02ab\xc0\x00"]) + b"\x02zz\x00",
    d.msg(26, 0x8180, [d.q("u.example", 256)], [d.rr(d.PTR12, 256, b"\x00")]),
]
seeds = [m for pair in d.pairs + d.mdns for m in pair] + extra
rnd = random.Random(int(sys.argv[1]))
out = open(sys.argv[3], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
for n in range(int(sys.argv[2])):
    m = bytearray(rnd.choice(seeds))
    for _ in range(rnd.randint(0, 4)):
        k = rnd.random()
        if k < 0.5 and m:
            m[rnd.randrange(len(m))] = rnd.choice(
                [0, 0xC0, 0xC1, 0x3F, 0x40, 0x41, 0x80, 1, 2, 5, 12, 0xFF, rnd.randrange(256)])
        elif k < 0.7 and m:
            m = m[: rnd.randrange(len(m))]
        elif k < 0.85:
            m[rnd.randrange(len(m) + 1):0] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 6)))
        elif len(m) > 4:
            m[2], m[3] = rnd.randrange(256), rnd.randrange(256)
    port = 5353 if rnd.random() < 0.15 else 53
    udp = struct.pack(">HHHH", 40053, port, 8 + len(m), 0) + bytes(m)
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF, 0, 64, 17, 0,
                     bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
    frame = bytes(12) + b"\x08\x00" + ip
    out.write(struct.pack("<IIII", 1000 + n, 0, len(frame), len(frame)) + frame)
