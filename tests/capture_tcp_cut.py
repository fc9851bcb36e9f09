# Write a pcap of TCP segments over IPv4 and IPv6 cut by the snap length at every byte of the
# TCP header (fixed part and options: MSS, window scale, SACK permitted, SACK, timestamps, NOP,
# end of list) and HTTP first lines, in both directions of a conversation, and UDP, ICMP and ICMPv6
# echo headers cut inside their first 8 bytes, as Ethernet, for comparing with
# tcpdump -r. Usage: capture_tcp_cut.py OUT.pcap
import struct, sys
out = open(sys.argv[1], "wb")
out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
n = 0
def write(frame, caplen):
    global n
    n += 1
    out.write(struct.pack("<IIII", 1000 + n, 0, caplen, len(frame)) + frame[:caplen])
ts = bytes([8, 10]) + struct.pack(">II", 123456, 654321)
sack = lambda k: bytes([5, 2 + 8 * k]) + b"".join(struct.pack(">II", 5000 + 100 * i, 5050 + 100 * i) for i in range(k))
segments = [  # (flags, options, payload, from the server)
    (0x02, bytes([2, 4, 5, 0xb4, 4, 2]) + ts + bytes([1, 3, 3, 7]), b"", False),
    (0x12, bytes([2, 4, 5, 0xb4, 4, 2]) + ts + bytes([1, 3, 3, 7]), b"", True),
    (0x18, bytes([1, 1]) + ts, b"GET / HTTP/1.1\r\n\r\n", False),
    (0x10, bytes([1, 1]) + sack(1), b"", True),
    (0x10, bytes([1, 1]) + ts + bytes([1, 1]) + sack(3), b"", False),
    (0x10, bytes([1, 2, 4, 5, 0xb4, 0]), b"", True),
    (0x11, bytes([3, 3, 2, 4, 2]), b"", False),
    (0x30, bytes([8, 10]) + bytes(8) + bytes([3, 3, 1]), b"x", True),
    (0x18, b"", b"HTTP/1.1 200 OK", True),  # a first line the segment ends, not the capture
]
addrs = [(bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])),
         (bytes(15) + b"\x01", bytes(15) + b"\x02")]
for src, dst in addrs:
    for flags, opts, data, back in segments:
        opts = opts + bytes((-len(opts)) % 4)
        sport, dport, seq, ack = (80, 40000, 7000, 1001) if back else (40000, 80, 1000, 7001)
        s, d = (dst, src) if back else (src, dst)
        tcp = struct.pack(">HHIIBBHHH", sport, dport, seq, ack, (5 + len(opts) // 4) << 4,
                          flags, 512, 0x1234, 9) + opts + data
        if len(src) == 4:
            ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, s, d)
            frame = bytes(12) + b"\x08\x00" + ip + tcp
        else:
            ip = struct.pack(">IHBB", 0x60000000, len(tcp), 6, 64) + s + d
            frame = bytes(12) + b"\x86\xdd" + ip + tcp
        head = len(frame) - len(tcp)
        for cut in range(0, len(tcp) + 1):
            write(frame, head + cut)
# UDP, ICMP and ICMPv6 echo headers cut inside their first 8 bytes.
udp = struct.pack(">HHHH", 1000, 2000, 13, 0) + b"hello"
icmp = struct.pack(">BBHHH", 8, 0, 0, 1, 2) + b"abcd"
icmp6 = struct.pack(">BBHHH", 128, 0, 0, 1, 2) + b"abcd"
for proto, l4, (src, dst) in ((17, udp, addrs[0]), (1, icmp, addrs[0]), (17, udp, addrs[1]), (58, icmp6, addrs[1])):
    if len(src) == 4:
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0, 64, proto, 0, src, dst)
        frame = bytes(12) + b"\x08\x00" + ip + l4
    else:
        ip = struct.pack(">IHBB", 0x60000000, len(l4), proto, 64) + src + dst
        frame = bytes(12) + b"\x86\xdd" + ip + l4
    for cut in range(0, 8):
        write(frame, len(frame) - len(l4) + cut)
