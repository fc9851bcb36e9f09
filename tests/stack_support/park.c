/* Threads parked in known functions, for tests/stack.rs: three (or argv[2]) sleep in nanosleep
 * below park_leaf <- park_middle <- park_thread, one spins in spin_leaf <- spin_thread, and the main
 * thread waits in pause below main_wait <- main. With "vdso" instead of "spin", the spinning
 * thread calls clock_gettime (the vDSO's) in a loop below vdso_spin <- vdso_thread.
 * Prints "ready" once every thread is parked. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static volatile int parked;
volatile unsigned long spins;

__attribute__((noinline)) void park_leaf(void) {
    __sync_fetch_and_add(&parked, 1);
    for (;;) {
        struct timespec t = {1000, 0};
        nanosleep(&t, 0);
    }
}
__attribute__((noinline)) void park_middle(void) { park_leaf(); __asm__ volatile(""); }
__attribute__((noinline)) void *park_thread(void *a) { (void)a; park_middle(); return 0; }

__attribute__((noinline)) void spin_leaf(void) {
    __sync_fetch_and_add(&parked, 1);
    for (;;) spins++;
}
__attribute__((noinline)) void *spin_thread(void *a) { (void)a; spin_leaf(); __asm__ volatile(""); return 0; }

__attribute__((noinline)) void vdso_spin(void) {
    struct timespec t;
    __sync_fetch_and_add(&parked, 1);
    for (;;) clock_gettime(CLOCK_MONOTONIC, &t);
}
__attribute__((noinline)) void *vdso_thread(void *a) { (void)a; vdso_spin(); __asm__ volatile(""); return 0; }

__attribute__((noinline)) void main_wait(void) { pause(); __asm__ volatile(""); }

int main(int argc, char **argv) {
    pthread_t t;
    int spin = argc > 1 && (argv[1][0] == 's' || argv[1][0] == 'v');
    int n = argc > 2 ? atoi(argv[2]) : 3;
    for (int i = 0; i < n; i++) pthread_create(&t, 0, park_thread, 0);
    if (spin) pthread_create(&t, 0, argv[1][0] == 'v' ? vdso_thread : spin_thread, 0);
    while (parked < n + spin) usleep(1000);
    usleep(20000); /* let the last one reach its syscall */
    printf("ready\n");
    fflush(stdout);
    main_wait();
    return 0;
}
