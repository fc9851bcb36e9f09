//! A network namespace of the test's own for `ping` and `connect` (tests/ping.rs,
//! tests/connect.rs): loopback up; a veth pair `v0`/`v1` with 10.98.0.1/24 on `v0`, where
//! 10.98.0.7 has a static neighbour entry (its packets leave and vanish: a timeout) and
//! 10.98.0.9 has none (ARP fails: "Destination Host Unreachable"; fd98::9 likewise over IPv6,
//! with fd98::1/64 on `v0`); `unreachable 10.99.0.0/16`
//! (no route). A process sleeping in it is the `--pid` target. Deleted on drop.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};

use crate::common::run_bounded;

/// The namespace and the process that holds it.
pub struct ProbeNetns {
    /// `toolbox-probe-<pid>-<tag>`.
    pub name: String,
    holder: Child,
}

fn ip(args: &[&str]) {
    let o = run_bounded(30, "ip", args);
    assert!(
        o.status.success(),
        "ip {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

impl ProbeNetns {
    /// Make it; `tag` keeps the names of concurrent tests apart.
    pub fn new(tag: &str) -> ProbeNetns {
        let name = format!("toolbox-probe-{}-{tag}", std::process::id());
        let _ = run_bounded(30, "ip", &["netns", "del", &name]);
        ip(&["netns", "add", &name]);
        let n = name.as_str();
        ip(&["-n", n, "link", "set", "lo", "up"]);
        ip(&[
            "-n", n, "link", "add", "v0", "type", "veth", "peer", "name", "v1",
        ]);
        ip(&["-n", n, "link", "set", "v0", "up"]);
        ip(&["-n", n, "link", "set", "v1", "up"]);
        ip(&["-n", n, "addr", "add", "10.98.0.1/24", "dev", "v0"]);
        ip(&["-n", n, "addr", "add", "fd98::1/64", "dev", "v0", "nodad"]);
        ip(&[
            "-n",
            n,
            "neigh",
            "add",
            "10.98.0.7",
            "lladdr",
            "02:00:00:00:00:07",
            "dev",
            "v0",
            "nud",
            "permanent",
        ]);
        ip(&["-n", n, "route", "add", "unreachable", "10.99.0.0/16"]);
        let holder = Command::new("ip")
            .args(["netns", "exec", n, "sleep", "600"])
            .stdin(Stdio::null())
            .spawn()
            .expect("start the namespace's holder");
        let ns = ProbeNetns { name, holder };
        ns.wait_until_inside();
        ns
    }

    /// `ip netns exec` joins the namespace after it starts: wait until the holder is inside,
    /// or a test would probe the host's namespace instead.
    fn wait_until_inside(&self) {
        use std::os::unix::fs::MetadataExt;
        let want = std::fs::metadata(format!("/var/run/netns/{}", self.name))
            .map(|m| (m.dev(), m.ino()))
            .expect("the namespace's file");
        for _ in 0..500 {
            let now = std::fs::metadata(format!("/proc/{}/ns/net", self.holder.id()))
                .map(|m| (m.dev(), m.ino()));
            if now.ok() == Some(want) {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        panic!("the holder of {} never entered it", self.name);
    }

    /// The PID of the process in it (toolbox's `--pid`).
    pub fn pid(&self) -> String {
        // `ip netns exec` execs sleep: same PID.
        self.holder.id().to_string()
    }

    /// Set `net.ipv4.ping_group_range` inside it (it is per namespace).
    pub fn set_ping_group_range(&self, lo: u32, hi: u32) {
        let v = format!("net.ipv4.ping_group_range={lo} {hi}");
        let o = run_bounded(
            30,
            "ip",
            &["netns", "exec", &self.name, "sysctl", "-qw", &v],
        );
        assert!(
            o.status.success(),
            "sysctl: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }

    /// Run `program args…` inside it (bounded).
    pub fn exec(&self, secs: u32, program: &str, args: &[&str]) -> std::process::Output {
        let mut argv = vec!["netns", "exec", &self.name, program];
        argv.extend_from_slice(args);
        run_bounded(secs, "ip", &argv)
    }
}

impl Drop for ProbeNetns {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        let _ = run_bounded(30, "ip", &["netns", "del", &self.name]);
    }
}
