/* hostile: what a program started by `toolbox exec` can do, from the inside.
 * Usage:
 *   hostile idle              sleep forever (the target container's main process)
 *   hostile report MARKER     print credentials as /proc/PID/status spells them (read with system
 *                             calls, so no /proc is needed), the descriptors above 2 it holds,
 *                             then try the fchdir escape out of its root and say whether MARKER
 *                             (a file only outside that root) became reachable
 *   hostile argv ARGS...      print argv, one `argv[i]=...` line each (script interpreter tests)
 * Built by the test harness with musl-gcc -static. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct cap_header { uint32_t version; int pid; };
struct cap_data { uint32_t effective, permitted, inheritable; };

static const char *ename(int e) {
    switch (e) {
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENOENT: return "ENOENT";
    }
    return strerror(e);
}

static int report(const char *marker) {
    uid_t r, e, s;
    gid_t gr, ge, gs;
    getresuid(&r, &e, &s);
    getresgid(&gr, &ge, &gs);
    printf("Uid:\t%u\t%u\t%u\n", r, e, s);
    printf("Gid:\t%u\t%u\t%u\n", gr, ge, gs);
    gid_t groups[256];
    int n = getgroups(256, groups);
    printf("Groups:\t");
    for (int i = 0; i < n; i++) printf("%s%u", i ? " " : "", groups[i]);
    printf("\n");
    struct cap_header h = {0x20080522, 0};
    struct cap_data d[2];
    memset(d, 0, sizeof d);
    syscall(SYS_capget, &h, d);
    printf("CapInh:\t%08x%08x\n", d[1].inheritable, d[0].inheritable);
    printf("CapPrm:\t%08x%08x\n", d[1].permitted, d[0].permitted);
    printf("CapEff:\t%08x%08x\n", d[1].effective, d[0].effective);
    unsigned long long bnd = 0;
    for (int c = 0; c < 64; c++) {
        int held = prctl(PR_CAPBSET_READ, c, 0, 0, 0);
        if (held < 0) break;
        if (held) bnd |= 1ULL << c;
    }
    printf("CapBnd:\t%016llx\n", bnd);
    unsigned long long amb = 0;
    for (int c = 0; c < 64; c++) {
        int held = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, c, 0, 0);
        if (held < 0) break;
        if (held) amb |= 1ULL << c;
    }
    printf("CapAmb:\t%016llx\n", amb);
    printf("NoNewPrivs:\t%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
    printf("fds:");
    for (int fd = 3; fd < 4096; fd++)
        if (fcntl(fd, F_GETFD) >= 0) printf(" %d", fd);
    printf("\n");
    printf("marker_before=%s\n", access(marker, F_OK) == 0 ? "present" : "absent");
    fflush(stdout);

    /* The escape: keep a descriptor of the current root, chroot into a subdirectory, fchdir
     * back to the kept descriptor (now outside the root), climb, and make that the root. */
    int outside = open("/", O_RDONLY | O_DIRECTORY);
    const char *subs[] = {"/sub", "/dev", "/etc", "/tmp", "/proc", 0};
    const char *sub = 0;
    struct stat st;
    for (int i = 0; subs[i]; i++)
        if (stat(subs[i], &st) == 0 && S_ISDIR(st.st_mode)) { sub = subs[i]; break; }
    if (outside < 0 || !sub) {
        printf("escape=untried\n");
        return 0;
    }
    if (chroot(sub) != 0) {
        printf("escape=blocked:%s\n", ename(errno));
        return 0;
    }
    if (fchdir(outside) != 0) {
        printf("escape=blocked:fchdir:%s\n", ename(errno));
        return 0;
    }
    for (int i = 0; i < 64; i++) chdir("..");
    if (chroot(".") != 0) {
        printf("escape=blocked:chroot2:%s\n", ename(errno));
        return 0;
    }
    printf("escape=%s\n", access(marker, F_OK) == 0 ? "ESCAPED" : "contained");
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && !strcmp(argv[1], "idle")) {
        for (;;) pause();
    }
    if (argc == 3 && !strcmp(argv[1], "report")) return report(argv[2]);
    for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
    return 0;
}
