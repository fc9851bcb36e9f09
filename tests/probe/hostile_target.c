/* hostile_target: odd targets for the hostile-target suite.
 * Usage: hostile_target idle     sleep forever in pause(2) (a tiny static process: a few pages)
 *        hostile_target zombie   fork a child that exits at once, print its PID, never reap it
 * Built by the test harness with musl-gcc -static. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "zombie") == 0) {
        pid_t child = fork();
        if (child < 0) return 1;
        if (child == 0) _exit(0);
        printf("%d\n", (int)child);
        fflush(stdout);
    }
    for (;;) pause();
}
