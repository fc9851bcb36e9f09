/* logs_writer: prints what its arguments say, for tests/logs.rs (conmon turns it into CRI lines).
 *   o:TEXT     TEXT and a newline on stdout
 *   e:TEXT     TEXT and a newline on stderr
 *   n:TEXT     TEXT on stdout without a newline
 *   L:N:C      a stdout line of N bytes of the character C (N > 16 KiB makes conmon write P partials)
 *   r:N:PFX    N stdout lines "PFX <i>"
 *   s:MS       sleep MS milliseconds
 *   w:PATH     wait (up to 120 s) until PATH exists
 * Every write goes straight to the descriptor (no stdio buffering), in argument order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void put(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n <= 0)
            exit(3);
        buf += n;
        len -= (size_t)n;
    }
}

static void nap(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strlen(a) < 2 || a[1] != ':')
            return 2;
        const char *v = a + 2;
        switch (a[0]) {
        case 'o':
        case 'e': {
            int fd = a[0] == 'o' ? 1 : 2;
            put(fd, v, strlen(v));
            put(fd, "\n", 1);
            break;
        }
        case 'n':
            put(1, v, strlen(v));
            break;
        case 'L': {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end != ':' || n < 0)
                return 2;
            char *buf = malloc((size_t)n + 1);
            if (!buf)
                return 3;
            memset(buf, end[1], (size_t)n);
            buf[n] = '\n';
            put(1, buf, (size_t)n + 1);
            free(buf);
            break;
        }
        case 'r': {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end != ':')
                return 2;
            char line[4096];
            for (long j = 0; j < n; j++) {
                int len = snprintf(line, sizeof line, "%s %ld\n", end + 1, j);
                put(1, line, (size_t)len);
            }
            break;
        }
        case 's':
            nap(atol(v));
            break;
        case 'w':
            for (int k = 0; k < 1200 && access(v, F_OK) != 0; k++)
                nap(100);
            break;
        default:
            return 2;
        }
    }
    return 0;
}
