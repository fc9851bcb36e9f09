# Hold N loopback TCP connections open (a listener, N clients, N accepted ends) until stdin
# closes; prints "ready PORT" once all are established. Used by tests/net.rs and scripts/bench-net,
# run inside a network namespace made for it. The client ends live in a forked child so that
# each process needs only N descriptors (the hard RLIMIT_NOFILE may be 20000).
import os, resource, socket, sys

n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = n + 64
if soft < want:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(4096)
port = srv.getsockname()[1]
done_r, done_w = os.pipe()
pid = os.fork()
if pid == 0:
    srv.close()
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(n)]
    os.write(done_w, b"x")
    os.read(0, 1)  # until the parent's stdin (shared) closes
    os._exit(0)
held = [srv.accept()[0] for _ in range(n)]
os.read(done_r, 1)
print("ready", port, flush=True)
sys.stdin.read()
os.waitpid(pid, 0)
