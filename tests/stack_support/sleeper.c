/* Counts early returns of sleeping syscalls, for tests/stack.rs: one thread sleeps 20 ms at a
 * time in nanosleep, the main thread waits 30 ms at a time in epoll_wait on an empty epoll set.
 * A return before the time is up, or with an error (EINTR), prints an "early" line. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void *napper(void *a) {
    (void)a;
    for (;;) {
        struct timespec t = {0, 20000000};
        long long start = now_ns();
        int r = nanosleep(&t, 0);
        int e = errno;
        if (r != 0 || now_ns() - start < 20000000LL) {
            printf("early nanosleep r=%d errno=%d\n", r, e);
            fflush(stdout);
        }
    }
    return 0;
}

int main(void) {
    pthread_t t;
    int ep = epoll_create1(0);
    struct epoll_event ev;
    pthread_create(&t, 0, napper, 0);
    printf("ready\n");
    fflush(stdout);
    for (;;) {
        long long start = now_ns();
        int r = epoll_wait(ep, &ev, 1, 30);
        int e = errno;
        if (r != 0 || now_ns() - start < 30000000LL) {
            printf("early epoll_wait r=%d errno=%d\n", r, e);
            fflush(stdout);
        }
    }
}
