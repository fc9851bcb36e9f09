// Threads parked in known functions, for tests/stack.rs (built with Debian's golang, with and
// without -ldflags='-s -w'): three goroutines, each locked to its own OS thread, sleep in a
// nanosleep syscall below main.parkLeaf <- main.parkMiddle <- main.parkThread; the main
// goroutine, locked to the main thread, waits in a pause syscall below main.mainWait <-
// main.main. A fourth goroutine waits in Accept on a loopback listener, so that the idle
// scheduler blocks a thread in the network poller (runtime.epollwait). The runtime's own
// threads (sysmon, idle Ms) park in runtime functions. Prints "ready" once every thread is
// parked.
package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

var parked int32

//go:noinline
func parkLeaf() {
	atomic.AddInt32(&parked, 1)
	for {
		ts := syscall.Timespec{Sec: 1000}
		syscall.Nanosleep(&ts, nil)
	}
}

//go:noinline
func parkMiddle() {
	parkLeaf()
}

//go:noinline
func parkThread() {
	runtime.LockOSThread()
	parkMiddle()
}

//go:noinline
func mainWait() {
	for {
		syscall.Syscall(syscall.SYS_PAUSE, 0, 0, 0)
	}
}

func main() {
	runtime.LockOSThread()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go ln.Accept()
	for i := 0; i < 3; i++ {
		go parkThread()
	}
	for atomic.LoadInt32(&parked) < 3 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond)
	fmt.Println("ready")
	os.Stdout.Sync()
	mainWait()
}
