/* trace_interleave: one thread blocks in read(2) on a pipe while the main thread writes to it
 * 50 ms later, so the trace must show read's `<unfinished ...>` and `<... read resumed>` lines
 * around the write. Used by tests/trace.rs to compare with strace. */
#include <pthread.h>
#include <unistd.h>

static int fds[2];

static void *reader(void *arg) {
    char c[8];
    (void)arg;
    if (read(fds[0], c, sizeof c) < 0) _exit(1);
    return 0;
}

int main(void) {
    pthread_t t;
    if (pipe(fds)) return 1;
    pthread_create(&t, 0, reader, 0);
    usleep(50000);
    if (write(fds[1], "ping", 4) != 4) return 1;
    pthread_join(t, 0);
    return 0;
}
