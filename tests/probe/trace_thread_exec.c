/* trace_thread_exec: a non-leader thread calls execve (the kernel gives it the leader's pid and
 * ptrace reports "superseded by execve"). Used by tests/trace.rs to compare with strace. */
#include <pthread.h>
#include <unistd.h>

static void *run(void *arg) {
    (void)arg;
    usleep(10000);
    execl("/bin/true", "true", (char *)0);
    return 0;
}

int main(void) {
    pthread_t t;
    pthread_create(&t, 0, run, 0);
    for (;;) pause();
}
