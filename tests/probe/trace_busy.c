/* trace_busy: a busy multi-threaded server for toolbox trace's robustness tests.
 * Usage: trace_busy [--churn | --threads | --quiet]
 * Prints "port N" on stdout, then serves TCP on 127.0.0.1:N: each connection receives
 * "ok ITER USR1\n" (worker-loop iterations so far, SIGUSR1 deliveries handled so far) and is closed.
 * Four worker threads loop on getppid, write to /dev/null and a 100 us nanosleep; another thread
 * sends the process SIGUSR1 every 2 ms (so detaching must re-inject signals, not drop them).
 * With --churn, one more thread every 20 ms starts and joins a short-lived thread and forks a
 * child that execs /bin/true (tracing must follow forks, execs and thread exits).
 * With --threads, one more thread starts a detached thread living 5 ms every 200 us (attaching
 * must cope with threads appearing while it walks /proc/PID/task).
 * With --quiet, no thread sends SIGUSR1: the count is then exactly the signals the test sent. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static unsigned long iterations, usr1;

static void on_usr1(int sig) { (void)sig; __atomic_add_fetch(&usr1, 1, __ATOMIC_RELAXED); }

static void nap(long ns) {
    struct timespec ts = {0, ns};
    nanosleep(&ts, NULL);
}

static void *worker(void *arg) {
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
    (void)arg;
    for (;;) {
        getppid();
        if (write(fd, "x", 1) < 0) nap(1000);
        __atomic_add_fetch(&iterations, 1, __ATOMIC_RELAXED);
        nap(100000);
    }
    return NULL;
}

static void *signaller(void *arg) {
    (void)arg;
    for (;;) {
        kill(getpid(), SIGUSR1);
        nap(2000000);
    }
    return NULL;
}

static void *short_lived(void *arg) { (void)arg; getppid(); return NULL; }

static void *lingering(void *arg) { (void)arg; nap(5000000); return NULL; }

static void *thread_storm(void *arg) {
    pthread_attr_t attr;
    (void)arg;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (;;) {
        pthread_t t;
        pthread_create(&t, &attr, lingering, NULL);
        nap(200000);
    }
    return NULL;
}

static void *churn(void *arg) {
    (void)arg;
    for (;;) {
        pthread_t t;
        if (pthread_create(&t, NULL, short_lived, NULL) == 0) pthread_join(t, NULL);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/bin/true", "true", (char *)NULL);
            _exit(127);
        }
        if (pid > 0) waitpid(pid, NULL, 0);
        nap(20000000);
    }
    return NULL;
}

int main(int argc, char **argv) {
    int churning = argc > 1 && strcmp(argv[1], "--churn") == 0;
    int storming = argc > 1 && strcmp(argv[1], "--threads") == 0;
    int quiet = argc > 1 && strcmp(argv[1], "--quiet") == 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, 64) ||
        getsockname(s, (struct sockaddr *)&a, &len)) {
        perror("trace_busy: socket");
        return 1;
    }
    pthread_t t;
    for (int i = 0; i < 4; i++) pthread_create(&t, NULL, worker, NULL);
    if (!quiet) pthread_create(&t, NULL, signaller, NULL);
    if (churning) pthread_create(&t, NULL, churn, NULL);
    if (storming) pthread_create(&t, NULL, thread_storm, NULL);
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    for (;;) {
        int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) continue;
        char msg[64];
        int n = snprintf(msg, sizeof msg, "ok %lu %lu\n",
                         __atomic_load_n(&iterations, __ATOMIC_RELAXED),
                         __atomic_load_n(&usr1, __ATOMIC_RELAXED));
        if (write(c, msg, (size_t)n) < 0) perror("trace_busy: write");
        close(c);
    }
}
