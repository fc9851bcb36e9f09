import ctypes, os
l = ctypes.CDLL(None)
b = ctypes.create_string_buffer(16)
i = ctypes.c_int()
for args in [(1, 9), (3,), (4, 1), (15, b'abc'), (16, b), (23, 0), (23, 48), (38, 1, 0, 0, 0),
             (39, 0, 0, 0, 0), (8, 1), (36, 1), (47, 1, 12, 0, 0), (0x59616d61, 1234), (24, 0),
             (9999, 1, 2, 3, 4), (2, ctypes.byref(i)), (21,)]:
    l.prctl(*(list(args) + [0] * (5 - len(args))))
os.sched_setaffinity(0, os.sched_getaffinity(0))
