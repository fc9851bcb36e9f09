/* trace_enums: system calls whose arguments strace decodes symbolically, for comparing toolbox
 * trace's decoding with strace's line by line:
 * - every posix_fadvise advice, and enum values no table knows (strace: 32-bit hex and a
 *   comment);
 * - flag arguments with only unknown bits (strace: 0x1 followed by an O_??? comment);
 * - file modes with set-id and sticky bits (numeric in chmod-like arguments, symbolic in mknod
 *   and st_mode);
 * - rt_sigreturn (the mask its signal frame restores);
 * - netlink socket options and port ids, NULL buffers (NULL even for a length of 0), a failed
 *   recvmsg ({msg_namelen=N} only);
 * - NUMA memory policies (modes, flags, node masks);
 * - ioctl requests (FICLONE, unknown ones taken apart as _IOC(dir, type, nr, size));
 * - POSIX timers (struct sigevent, a timer's SI_TIMER signal, a sigqueue'd SI_QUEUE one).
 * Raw system calls: the libc wrappers would reject or rewrite some of these values. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void on_usr1(int sig) { (void)sig; }

int main(void) {
    struct timespec ts = {0, 0};
    int one = 1;
    int fd = open("/dev/null", O_RDONLY);
    for (long advice = 0; advice <= 7; advice++) syscall(SYS_fadvise64, fd, 0L, 0L, advice);
    syscall(SYS_fadvise64, fd, 4096L, 100L, -1L);
    /* Only the low 32 bits are the advice (an int). */
    syscall(SYS_fadvise64, fd, 0L, 0L, 0x100000002L);
    syscall(SYS_fadvise64, -1, 0L, 0L, 1L);

    long unknown[] = {99, -5};
    for (int i = 0; i < 2; i++) {
        long v = unknown[i];
        syscall(SYS_lseek, fd, 0L, v);
        syscall(SYS_socket, v, SOCK_STREAM, 0);
        syscall(SYS_socket, AF_INET, SOCK_STREAM, v);
        syscall(SYS_socket, AF_NETLINK, SOCK_RAW, v);
        syscall(SYS_socketpair, v, SOCK_STREAM, 0, 0L);
        syscall(SYS_shutdown, fd, v);
        syscall(SYS_epoll_ctl, fd, v, fd, 0L);
        syscall(SYS_timerfd_create, v, 0);
        syscall(SYS_prlimit64, 0, v, 0L, 0L);
        syscall(SYS_getrlimit, v, 0L);
        syscall(SYS_setrlimit, v, 0L);
        syscall(SYS_rt_sigprocmask, v, 0L, 0L, 8);
        syscall(SYS_clock_nanosleep, v, 0, &ts, 0L);
        syscall(SYS_clock_gettime, v, 0L);
        syscall(SYS_clock_getres, v, 0L);
        syscall(SYS_clock_settime, v, &ts);
        syscall(SYS_getpriority, v, 0);
        syscall(SYS_setpriority, v, 0, 0);
        syscall(SYS_setitimer, v, 0L, 0L);
        syscall(SYS_getitimer, v, 0L);
        syscall(SYS_waitid, v, 0, 0L, 4, 0L);
        syscall(SYS_getrusage, v, 0L);
    }
    int s = socket(AF_INET6, SOCK_STREAM, 0);
    if (s >= 0) {
        syscall(SYS_setsockopt, s, 99, 1, &one, 4);
        syscall(SYS_setsockopt, s, SOL_SOCKET, 999, &one, 4);
        syscall(SYS_setsockopt, s, 6, 999, &one, 4);
        syscall(SYS_setsockopt, s, 0, 999, &one, 4);
        syscall(SYS_setsockopt, s, 41, 999, &one, 4);
        syscall(SYS_getsockopt, s, -5, 1, 0L, 0L);
    }
    syscall(SYS_chmod, "/nonexistent", 04755);
    syscall(SYS_chmod, "/nonexistent", 0100644);
    syscall(SYS_mkdir, "/nonexistent/d", 01777);
    syscall(SYS_open, "/nonexistent/f", O_CREAT | O_WRONLY, 02755);
    syscall(SYS_mknod, "/nonexistent/p", S_IFIFO | 04644, 0);
    syscall(SYS_mknod, "/nonexistent/q", 06644, 0);
    syscall(SYS_mknod, "/nonexistent/r", 0170644, 0);
    int nl = socket(AF_NETLINK, SOCK_RAW, 0);
    if (nl >= 0) {
        syscall(SYS_setsockopt, nl, 270, 11, &one, 4); /* NETLINK_EXT_ACK */
        syscall(SYS_setsockopt, nl, 270, 12, &one, 4); /* NETLINK_GET_STRICT_CHK */
        syscall(SYS_setsockopt, nl, 270, 99, &one, 4);
        /* Autobind: the first port id is the pid, the next ones are negative. */
        unsigned short nl_addr[6] = {AF_NETLINK};
        socklen_t nl_len = sizeof nl_addr;
        int nl2 = socket(AF_NETLINK, SOCK_RAW, 0);
        bind(nl, (struct sockaddr *)nl_addr, sizeof nl_addr);
        bind(nl2, (struct sockaddr *)nl_addr, sizeof nl_addr);
        getsockname(nl, (struct sockaddr *)nl_addr, &nl_len);
        nl_len = sizeof nl_addr;
        getsockname(nl2, (struct sockaddr *)nl_addr, &nl_len);
    }
    syscall(SYS_write, fd, 0L, 0L);
    syscall(SYS_read, fd, 0L, 0L);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) == 0) {
        struct iovec iov = {0, 0};
        struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
        syscall(SYS_sendto, sv[0], "x", 1L, 0, 0L, 0);
        recvmsg(sv[1], &m, MSG_PEEK | MSG_TRUNC);
        syscall(SYS_writev, sv[0], &iov, 1);
        /* Nothing queued: EAGAIN, and strace shows only {msg_namelen=N}. */
        char name[16];
        m.msg_name = name;
        m.msg_namelen = sizeof name;
        recvmsg(sv[1], &m, MSG_DONTWAIT); /* takes the "x" sent above */
        m.msg_namelen = sizeof name;
        recvmsg(sv[1], &m, MSG_DONTWAIT);
    }
    unsigned long nodes[4] = {1, 0, 0x8000000000000000UL, 0x1234};
    int policy = -1;
    syscall(SYS_get_mempolicy, &policy, nodes, 1025L, 0L, 0L);
    nodes[0] = 1;
    syscall(SYS_set_mempolicy, 1, nodes, 2L);
    syscall(SYS_set_mempolicy, 2 | (1 << 15), nodes, 65L);
    syscall(SYS_set_mempolicy, 3 | (1 << 14), nodes, 66L);
    syscall(SYS_set_mempolicy, 4 | (1 << 13), nodes, 200L);
    syscall(SYS_set_mempolicy, 5, nodes, 1024L);
    syscall(SYS_set_mempolicy, 9, nodes, 0L);
    syscall(SYS_set_mempolicy, 0x70007, 0L, 1L);
    syscall(SYS_set_mempolicy, 0, 0L, 0L);
    syscall(SYS_get_mempolicy, &policy, 0L, 0L, 0L, 0L);
    syscall(SYS_get_mempolicy, &policy, 0L, 0L, &policy, 3L);
    syscall(SYS_get_mempolicy, &policy, 0L, 0L, 0L, 4L);
    syscall(SYS_get_mempolicy, 0L, nodes, 64L, 0L, 0x10L);
    void *page = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page != MAP_FAILED) {
        syscall(SYS_mbind, page, 4096L, 1, nodes, 2L, 1L);
        syscall(SYS_mbind, page, 4096L, 2, nodes, 64L, 6L);
        syscall(SYS_mbind, page, 4096L, 0, 0L, 0L, 0L);
        syscall(SYS_mbind, page, 4096L, 0, 0L, 0L, 8L);
        syscall(450 /* set_mempolicy_home_node */, page, 4096L, 0L, 0L);
    }
    int fds[2];
    syscall(SYS_pipe2, fds, 0x1L);
    syscall(SYS_pipe2, fds, (long)O_CLOEXEC | 0x1L);
    syscall(SYS_accept4, fd, 0L, 0L, 0x1L);
    syscall(SYS_eventfd2, 0, 0x1L);
    syscall(SYS_epoll_create1, 0x1L);
    syscall(SYS_inotify_init1, 0x1L);
    syscall(SYS_timerfd_create, 1, 0x1L);
    syscall(SYS_dup3, fd, fd, 0x1L);
    syscall(SYS_mprotect, 0L, 0L, 0x100L);
    syscall(SYS_flock, 99, 0x40L);
    syscall(SYS_msync, 0L, 0L, 0x8L);
    syscall(SYS_unlinkat, -100, "/nonexistent", 0x1L);
    syscall(SYS_faccessat, -100, "/nonexistent", 0x8L);
    syscall(SYS_renameat2, -100, "/nonexistent", -100, "/nonexistent/x", 0x80L);
    syscall(SYS_wait4, -1, 0L, 0x100L, 0L);
    syscall(SYS_ioctl, fd, 0x40049409L, (long)fd); /* FICLONE */
    syscall(SYS_ioctl, fd, 0xc0105599L, 0x1234L);
    syscall(SYS_ioctl, fd, 0x80085598L, 0x1234L);
    syscall(SYS_ioctl, fd, 0x5599L, 0x1234L);
    syscall(SYS_ioctl, fd, 0x40085597L, 0L);
    syscall(SYS_ioctl, fd, 0x12345L, 0L);
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    sigprocmask(SIG_BLOCK, &usr2, NULL);
    signal(SIGUSR1, on_usr1);
    raise(SIGUSR1); /* rt_sigreturn({mask=[USR2]}) */
    struct stat st;
    stat("/tmp", &st); /* sticky */
    stat("/bin/su", &st); /* set-uid where it exists */
    int timer = -1;
    struct sigevent sev;
    memset(&sev, 0, sizeof sev);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGALRM;
    syscall(SYS_timer_create, CLOCK_REALTIME, &sev, &timer);
    struct itimerspec its = {{0, 0}, {100, 5}}, old;
    syscall(SYS_timer_settime, timer, 0, &its, 0L);
    its.it_value.tv_sec = 1L << 40;
    syscall(SYS_timer_settime, timer, 1, &its, &old); /* TIMER_ABSTIME */
    syscall(SYS_timer_gettime, timer, &old);
    syscall(SYS_timer_getoverrun, timer);
    syscall(SYS_timer_delete, timer);
    sev.sigev_notify = SIGEV_NONE;
    sev.sigev_value.sival_ptr = (void *)0x1234;
    syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer);
    sev.sigev_notify = 4; /* SIGEV_THREAD_ID */
    sev.sigev_signo = SIGUSR1;
    ((int *)&sev)[4] = getpid();
    syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer);
    sev.sigev_notify = 9;
    syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer);
    syscall(SYS_timer_create, CLOCK_MONOTONIC, 0L, &timer);
    syscall(SYS_timer_settime, 999, 0x8, &its, 0L);
    signal(SIGALRM, SIG_IGN);
    sev.sigev_notify = SIGEV_SIGNAL;
    sev.sigev_signo = SIGALRM;
    sev.sigev_value.sival_ptr = (void *)0x42;
    syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer);
    struct itimerspec soon = {{0, 0}, {0, 1000000}};
    syscall(SYS_timer_settime, timer, 0, &soon, 0L);
    struct timespec nap = {0, 50000000};
    nanosleep(&nap, 0); /* SI_TIMER */
    union sigval v = {.sival_int = 7};
    sigqueue(getpid(), SIGALRM, v); /* SI_QUEUE */
    return 0;
}
