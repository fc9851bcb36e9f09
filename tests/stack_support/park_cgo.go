// A Go program with cgo, for tests/stack.rs: one goroutine calls C, which sleeps below
// c_park <- c_middle (C, compiled by gcc through cgo) <- runtime.asmcgocall; the runtime's own
// threads start in cgo's assembly (crosscall_amd64, an untyped symbol). Prints "ready" once
// the C call has begun.
package main

/*
#include <unistd.h>
static volatile int in_c;
__attribute__((noinline)) static void c_park(void) { in_c = 1; for (;;) sleep(1000); }
__attribute__((noinline)) void c_middle(void) { c_park(); __asm__ volatile(""); }
static int c_started(void) { return in_c; }
*/
import "C"

import (
	"fmt"
	"os"
	"time"
)

//go:noinline
func goPark() { C.c_middle() }

func main() {
	go goPark()
	for C.c_started() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("ready")
	os.Stdout.Sync()
	select {}
}
