
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
class Sembuf(ctypes.Structure):
    _fields_ = [("num", ctypes.c_ushort), ("op", ctypes.c_short), ("flg", ctypes.c_short)]
class Msg(ctypes.Structure):
    _fields_ = [("type", ctypes.c_long), ("text", ctypes.c_char * 8)]
sys.stdin.buffer.raw.read(1)
shm = libc.shmget(0, 4096, 0o1000 | 0o600)
p = libc.shmat(shm, None, 0)
libc.shmdt(ctypes.c_void_p(p))
libc.shmctl(shm, 0, None)
sem = libc.semget(0, 2, 0o1000 | 0o600)
ops = (Sembuf * 1)(Sembuf(0, 1, 0x800))
libc.semop(sem, ops, 1)
libc.semctl(sem, 0, 12)
libc.semctl(sem, 0, 0)
q = libc.msgget(0, 0o1000 | 0o600)
m = Msg(1, b"hi")
libc.msgsnd(q, ctypes.byref(m), 2, 0)
r = Msg()
libc.msgrcv(q, ctypes.byref(r), 8, 0, 0o4000)
libc.msgrcv(q, ctypes.byref(r), 8, 0, 0o4000)
libc.msgctl(q, 0, None)
libc.shmget(0x7ab1e, 4096, 0o600)
