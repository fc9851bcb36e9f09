//! Threads parked in known functions, for tests/stack.rs (built with `rustc -O`): three sleep
//! below park::park_leaf <- park::park_middle <- the thread's closure, the main thread parks
//! below park::main_wait <- park::main. Prints "ready" once every thread is parked.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

static PARKED: AtomicUsize = AtomicUsize::new(0);

#[inline(never)]
fn park_leaf() -> ! {
    PARKED.fetch_add(1, Ordering::SeqCst);
    loop {
        std::thread::sleep(Duration::from_secs(1000));
    }
}

#[inline(never)]
fn park_middle() {
    park_leaf();
}

#[inline(never)]
fn main_wait() {
    loop {
        std::thread::park();
    }
}

fn main() {
    for _ in 0..3 {
        std::thread::spawn(park_middle);
    }
    while PARKED.load(Ordering::SeqCst) < 3 {
        std::thread::sleep(Duration::from_millis(1));
    }
    std::thread::sleep(Duration::from_millis(20));
    println!("ready");
    main_wait();
}
