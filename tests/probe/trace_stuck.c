/* trace_stuck: a process with threads that cannot stop for a tracer, for toolbox trace's
 * detach-deadline test.
 * Usage: trace_stuck BUSY STUCK
 * Starts BUSY threads that loop on getppid and a 1 ms nanosleep, and STUCK threads that each
 * vfork a child which sleeps for an hour (it dies with the parent: PR_SET_PDEATHSIG). A vfork
 * parent waits for its child in TASK_KILLABLE, which PTRACE_INTERRUPT does not wake, so a
 * stuck thread does not stop for a tracer until its child exits (killing the child ends the
 * wait; the thread then loops like a busy one). Prints "ready" once every thread runs and
 * every child exists, then loops like a busy thread itself until killed. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int started;

static void busy_loop(void) {
    struct timespec ts = {0, 1000000};
    for (;;) {
        getppid();
        nanosleep(&ts, NULL);
    }
}

static void *busy(void *arg) {
    (void)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    busy_loop();
    return NULL;
}

static void *stuck(void *arg) {
    (void)arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    pid_t pid = vfork();
    if (pid == 0) {
        /* The child borrows the parent's memory: raw system calls only. */
        struct timespec hour = {3600, 0};
        syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        syscall(SYS_nanosleep, &hour, NULL);
        syscall(SYS_exit, 0);
    }
    if (pid > 0) waitpid(pid, NULL, 0);
    busy_loop();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: trace_stuck BUSY STUCK\n");
        return 2;
    }
    int nbusy = atoi(argv[1]), nstuck = atoi(argv[2]);
    for (int i = 0; i < nbusy + nstuck; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, i < nbusy ? busy : stuck, NULL) != 0) {
            perror("pthread_create");
            return 1;
        }
    }
    while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < nbusy + nstuck) usleep(1000);
    /* Give the vforks a moment to happen; the test checks the D states itself. */
    usleep(50000);
    printf("ready\n");
    fflush(stdout);
    busy_loop();
}
