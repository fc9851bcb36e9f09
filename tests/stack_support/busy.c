/* Threads pinned to known functions, for the profiler tests of tests/stack.rs: two threads named
 * "f-worker" spin in spin_f <- f_thread, one named "g-worker" spins in spin_g <- g_thread, and
 * the main thread waits in pause below main_wait <- main. Prints "ready" once every thread spins. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

static volatile int started;
volatile unsigned long spins_f, spins_g;

__attribute__((noinline)) void spin_f(void) {
    __sync_fetch_and_add(&started, 1);
    for (;;) spins_f++;
}
__attribute__((noinline)) void *f_thread(void *a) {
    (void)a;
    pthread_setname_np(pthread_self(), "f-worker");
    spin_f();
    __asm__ volatile("");
    return 0;
}

__attribute__((noinline)) void spin_g(void) {
    __sync_fetch_and_add(&started, 1);
    for (;;) spins_g++;
}
__attribute__((noinline)) void *g_thread(void *a) {
    (void)a;
    pthread_setname_np(pthread_self(), "g-worker");
    spin_g();
    __asm__ volatile("");
    return 0;
}

__attribute__((noinline)) void main_wait(void) { pause(); __asm__ volatile(""); }

int main(void) {
    pthread_t t;
    pthread_create(&t, 0, f_thread, 0);
    pthread_create(&t, 0, f_thread, 0);
    pthread_create(&t, 0, g_thread, 0);
    while (started < 3) usleep(1000);
    printf("ready\n");
    fflush(stdout);
    main_wait();
    return 0;
}
