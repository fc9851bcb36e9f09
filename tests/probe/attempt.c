/* attempt: actually try what `toolbox caps` predicts, so tests compare verdicts with reality.
 * Usage: attempt PID. Prints key=value lines: fs, trace, capture, exec = ok or the errno name.
 * Built by the test harness with musl-gcc -static and mounted into the debug container. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#define ETH_P_ALL 0x0003

static const char *name(int e) {
    switch (e) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    }
    return strerror(e);
}

int main(int argc, char **argv) {
    if (argc != 2) return 2;
    int pid = atoi(argv[1]);
    char path[64];

    snprintf(path, sizeof path, "/proc/%d/root/", pid);
    DIR *d = opendir(path);
    printf("fs=%s\n", d ? "ok" : name(errno));
    if (d) closedir(d);

    /* PTRACE_SEIZE does not stop the tracee; interrupt, wait, detach at once. */
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
        printf("trace=ok\n");
        ptrace(PTRACE_INTERRUPT, pid, 0, 0);
        waitpid(pid, NULL, __WALL);
        ptrace(PTRACE_DETACH, pid, 0, 0);
    } else {
        printf("trace=%s\n", name(errno));
    }

    int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
    printf("capture=%s\n", s >= 0 ? "ok" : name(errno));
    if (s >= 0) close(s);

    pid_t child = fork();
    if (child == 0) _exit(chroot(path) == 0 ? 0 : errno);
    int st = 0;
    waitpid(child, &st, 0);
    printf("exec=%s\n", WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "ok" : name(WEXITSTATUS(st)));
    return 0;
}
