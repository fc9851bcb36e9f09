
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
class How(ctypes.Structure):
    _fields_ = [("flags", ctypes.c_uint64), ("mode", ctypes.c_uint64), ("resolve", ctypes.c_uint64)]
class Stack(ctypes.Structure):
    _fields_ = [("sp", ctypes.c_void_p), ("flags", ctypes.c_int), ("size", ctypes.c_size_t)]
class Its(ctypes.Structure):
    _fields_ = [("a", ctypes.c_long), ("b", ctypes.c_long), ("c", ctypes.c_long), ("d", ctypes.c_long)]
class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
class CapData(ctypes.Structure):
    _fields_ = [("eff", ctypes.c_uint32), ("perm", ctypes.c_uint32), ("inh", ctypes.c_uint32)]
sys.stdin.buffer.raw.read(1)
h = How(os.O_RDONLY | os.O_CLOEXEC, 0, 0x04)
os.close(libc.syscall(437, -100, b"/etc/hostname", ctypes.byref(h), 24))
h2 = How(os.O_WRONLY | os.O_CREAT, 0o644, 0x04 | 0x08)
libc.syscall(437, -100, b"/nonexistent/x", ctypes.byref(h2), 24)
old = Stack()
libc.sigaltstack(None, ctypes.byref(old))
buf = ctypes.create_string_buffer(65536)
st = Stack(ctypes.cast(buf, ctypes.c_void_p), 0, 65536)
libc.sigaltstack(ctypes.byref(st), None)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
os.kill(os.getpid(), signal.SIGUSR1)
signal.sigtimedwait([signal.SIGUSR1], 0.01)
signal.sigtimedwait([signal.SIGUSR1], 0.01)
tfd = libc.timerfd_create(1, 0o2000000 | 0o4000)
v = Its(0, 0, 5, 0)
o = Its()
libc.timerfd_settime(tfd, 0, ctypes.byref(v), ctypes.byref(o))
libc.timerfd_gettime(tfd, ctypes.byref(o))
os.close(tfd)
ifd = libc.inotify_init1(0o2000000 | 0o4000)
wd = libc.inotify_add_watch(ifd, b"/tmp", 0x2 | 0x100 | 0x200 | 0x1000000)
libc.inotify_rm_watch(ifd, wd)
os.close(ifd)
hh = CapHeader(0x20080522, 0)
dd = (CapData * 2)()
libc.capget(ctypes.byref(hh), dd)
pid = os.fork()
if pid == 0:
    time.sleep(5)
    os._exit(0)
pfd = os.pidfd_open(pid)
signal.pidfd_send_signal(pfd, signal.SIGKILL)
os.waitpid(pid, 0)
os.close(pfd)
import socket, struct
a, b = socket.socketpair()
socket.send_fds(a, [b"x"], [0, 1])
socket.recv_fds(b, 10, 4)
a.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
a.sendmsg([b"y"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS, struct.pack("iII", os.getpid(), 0, 0))])
b.recvmsg(10, 256)
try:
    a.sendmsg([b"z"], [(socket.SOL_SOCKET, 99, b"abcd")])
except OSError:
    pass
class Iov(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
class Mmsg(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32), ("pad0", ctypes.c_uint32),
                ("iov", ctypes.c_void_p), ("iovlen", ctypes.c_size_t), ("control", ctypes.c_void_p),
                ("controllen", ctypes.c_size_t), ("flags", ctypes.c_int), ("pad1", ctypes.c_int),
                ("len", ctypes.c_uint), ("pad2", ctypes.c_uint)]
u, v = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
data = ctypes.create_string_buffer(b"hello")
io = Iov(ctypes.cast(data, ctypes.c_void_p), 5)
io2 = Iov(ctypes.cast(data, ctypes.c_void_p), 3)
msgs = (Mmsg * 2)()
msgs[0].iov = ctypes.addressof(io)
msgs[0].iovlen = 1
msgs[1].iov = ctypes.addressof(io2)
msgs[1].iovlen = 1
libc.sendmmsg(u.fileno(), msgs, 2, 0)
rb = ctypes.create_string_buffer(16)
rb2 = ctypes.create_string_buffer(16)
rio = Iov(ctypes.cast(rb, ctypes.c_void_p), 16)
rio2 = Iov(ctypes.cast(rb2, ctypes.c_void_p), 16)
name = ctypes.create_string_buffer(110)
rm = (Mmsg * 2)()
rm[0].iov = ctypes.addressof(rio)
rm[0].iovlen = 1
rm[0].name = ctypes.cast(name, ctypes.c_void_p)
rm[0].namelen = 110
rm[1].iov = ctypes.addressof(rio2)
rm[1].iovlen = 1
libc.recvmmsg(v.fileno(), rm, 2, 0, None)
libc.recvmmsg(v.fileno(), rm, 2, 0x40, None)
