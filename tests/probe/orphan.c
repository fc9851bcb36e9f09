/* orphan: leave a child behind that ends after its parent, so it is reparented to the PID
 * namespace's init (toolbox idle, when that is PID 1) and becomes a zombie unless init reaps it.
 * Prints the orphan's PID (in the caller's PID namespace). Built by the test harness with
 * musl-gcc -static and mounted into the debug container. */
#include <stdio.h>
#include <unistd.h>

int main(void) {
    pid_t child = fork();
    if (child < 0) return 1;
    if (child == 0) {
        usleep(300 * 1000);
        _exit(0);
    }
    printf("%d\n", (int)child);
    fflush(stdout);
    _exit(0);
}
