# Write a pcap of multicast listener messages (RFC 2710 MLDv1 query, report and done; RFC 3810
# MLDv2 queries and reports with group records and sources) behind an IPv6 hop-by-hop header
# with a router alert, and one without it; UDP, TCP and ICMPv6 echo behind hop-by-hop and
# destination options headers, first and later fragments (RFC 8200 section 4), as Ethernet,
# for comparing with tcpdump -r.
# Usage: capture_mld.py OUT.pcap
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
n = 0
def write(frame, caplen=None):
    global n
    n += 1
    caplen = len(frame) if caplen is None else caplen
    out.write(struct.pack("<IIII", 1000 + n, 0, caplen, len(frame)) + frame[:caplen])
src = bytes.fromhex("fe80000000000000648afcfffee1df37")
grp = bytes.fromhex("ff0200000000000000000001ff000002")
def pkt(dst, icmp, hbh=True):
    if hbh:
        ext = bytes([58, 0, 5, 2, 0, 0, 1, 0])
        nh = 0
    else:
        ext = b""; nh = 58
    payload = ext + icmp
    ip = struct.pack(">IHBB", 0x60000000, len(payload), nh, 1) + src + dst
    return bytes(12) + b"\x86\xdd" + ip + payload
rec = lambda t, g, srcs: struct.pack(">BBH", t, 0, len(srcs)) + g + b"".join(srcs)
mld2 = lambda recs: struct.pack(">BBHHH", 143, 0, 0x1234, 0, len(recs)) + b"".join(recs)
v2all = bytes.fromhex("ff020000000000000000000000000016")
write(pkt(v2all, mld2([rec(4, grp, [])])))
write(pkt(v2all, mld2([rec(4, grp, []), rec(3, grp, [src]), rec(1, grp, [src, src])])))
write(pkt(grp, struct.pack(">BBHHH", 131, 0, 0, 0, 0) + grp))
write(pkt(grp, struct.pack(">BBHHH", 132, 0, 0, 0, 0) + grp))
write(pkt(bytes.fromhex("ff020000000000000000000000000001"), struct.pack(">BBHHH", 130, 0, 0, 1000, 0) + bytes(16)))
write(pkt(bytes.fromhex("ff020000000000000000000000000001"), struct.pack(">BBHHH", 130, 0, 0, 10000, 0) + bytes(16) + struct.pack(">BBH", 2, 125, 0)))
write(pkt(bytes.fromhex("ff020000000000000000000000000001"), struct.pack(">BBHHH", 130, 0, 0, 10000, 0) + grp + struct.pack(">BBH", 2, 125, 2) + src + src))
write(pkt(v2all, mld2([rec(4, grp, [])]), hbh=False))
udp = struct.pack(">HHHH", 1000, 2000, 13, 0) + b"hello"
echo = struct.pack(">BBHHH", 128, 0, 0, 1, 2) + b"abcd"
tcp = struct.pack(">HHIIBBHHH", 80, 5555, 1, 2, 0x50, 0x02, 512, 0, 0)
hbh = lambda nh: bytes([nh, 0, 5, 2, 0, 0, 1, 0])
dstopt = lambda nh: bytes([nh, 0, 1, 4, 0, 0, 0, 0])
def chain(first, payload):
    ip = struct.pack(">IHBB", 0x60000000, len(payload), first, 64) + src + v2all + payload
    return bytes(12) + b"\x86\xdd" + ip
write(chain(0, hbh(17) + udp))
write(chain(0, hbh(6) + tcp))
write(chain(60, dstopt(58) + echo))
write(chain(60, dstopt(17) + udp))
write(chain(0, hbh(60) + dstopt(58) + echo))
write(chain(44, bytes([17, 0]) + struct.pack(">HI", 5 << 3, 0x12345678) + udp))
write(chain(44, bytes([58, 0]) + struct.pack(">HI", 1, 0x12345678) + echo))
write(chain(44, bytes([17, 0]) + struct.pack(">HI", 1, 0x12345678) + udp[:10]))
write(chain(44, bytes([6, 0]) + struct.pack(">HI", 1, 0x12345678) + tcp))
write(chain(0, hbh(44) + bytes([58, 0]) + struct.pack(">HI", 1, 7) + echo))
