# Write a pcap of ICMPv6 neighbour discovery and echo messages with random flags, options
# (link-address, redirected header, nonce, prefix, MTU, RDNSS, DNSSL, advertisement interval,
# home agent, route information, unknown), bytes changed and cut short, as Ethernet/IPv6, for
# comparing with tcpdump -r. Usage: capture_nd_fuzz.py SEED OUT.pcap COUNT
import random, struct, sys
rnd = random.Random(int(sys.argv[1]))
out = open(sys.argv[2], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
src = bytes.fromhex("fe80000000000000648afcfffee1df37"); dst = bytes.fromhex("ff0200000000000000000001ff000002")
tgt = bytes.fromhex("fd000000000000000000000000000002")
def opt(t, data):
    n = (len(data) + 2 + 7) // 8
    return bytes([t, n]) + data + bytes(n * 8 - 2 - len(data))
for n in range(int(sys.argv[3])):
    kind = rnd.choice([133, 134, 135, 136, 128, 129])
    if kind == 133: body = bytes(4)
    elif kind == 134: body = bytes([64, rnd.choice([0, 0xc0, 0x18, 0x2a, rnd.randrange(256)])]) + struct.pack(">HII", 1800, rnd.choice([0, 30000]), rnd.choice([0, 1000, 0xffffffff]))
    elif kind in (135, 136): body = (struct.pack(">I", rnd.choice([0, 0x60000000, 0xe0000000, rnd.getrandbits(32)])) if kind == 136 else bytes(4)) + tgt
    else: body = struct.pack(">HH", rnd.randrange(65536), rnd.randrange(65536)) + bytes(rnd.randrange(20))
    opts = b""
    for _ in range(rnd.randint(0, 3)):
        t = rnd.choice([1, 2, 4, 14, 5, 3, 25, 31, 99, 7, 8, 24])
        opts += opt(t, bytes(rnd.randrange(256) for _ in range(rnd.choice([4, 6, 8, 14, 22, 30]))))
    msg = bytearray(bytes([kind, 0, 0, 0]) + body + opts)
    for _ in range(rnd.randint(0, 2)):
        if rnd.random() < 0.5 and len(msg) > 4:
            msg[rnd.randrange(4, len(msg))] = rnd.choice([0, 1, 2, 0xff, rnd.randrange(256)])
        elif rnd.random() < 0.5:
            msg = msg[: rnd.randrange(len(msg) + 1)]
    msg = msg if len(msg) >= 8 else msg + bytes(8 - len(msg))
    plen = len(msg)
    ip = struct.pack(">IHBB", 0x60000000, max(plen, 0), 58, 255) + src + dst + bytes(msg)
    frame = bytes(12) + b"\x86\xdd" + ip
    out.write(struct.pack("<IIII", 1000 + n, 0, len(frame), len(frame)) + frame)
