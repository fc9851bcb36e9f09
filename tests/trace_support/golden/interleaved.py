
import os, sys, threading, time
sys.stdin.buffer.raw.read(1)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    time.sleep(0.1)
    os.write(w, b"hi")
    time.sleep(0.1)
    os._exit(3)
os.read(r, 10)
os.waitpid(pid, 0)
t = threading.Thread(target=lambda: (time.sleep(0.1), os.write(w, b"x")))
t.start()
t.join()
os.read(r, 10)
