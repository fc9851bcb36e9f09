//! `toolbox http` against curl run in the same network namespace (`nsenter -t PID -n curl`):
//! status, headers (but Date) and body bytes of the test pod's nginx over http and https, a
//! chunked body from a server the test runs in the pod's namespace; the timing fields; and https
//! verified against the target's CA bundle (the test CA, which only the target trusts), with a
//! clear reason and the certificate details for an unknown issuer, an expired certificate and a
//! name mismatch, each certificate made here and served by a TLS server the test starts in the
//! pod's namespace and kills at the end.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use common::{bin, json, run_bounded, stderr, stdout, PidMode, Pod};

/// The JSON document on stdout, whatever the exit code.
fn doc(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", stdout(o)))
}
use serde_json::Value;

/// `toolbox --pid PID http ARGS…` from the host (toolbox joins the pod's network namespace).
fn toolbox(pid: i32, args: &[&str]) -> Output {
    let pid = pid.to_string();
    let mut argv = vec!["--pid", pid.as_str(), "http"];
    argv.extend_from_slice(args);
    run_bounded(60, bin(), &argv)
}

/// curl in the pod's network namespace.
fn curl(pid: i32, args: &[&str]) -> Output {
    let pid = pid.to_string();
    let mut argv = vec!["-t", pid.as_str(), "-n", "curl", "-sS", "--max-time", "20"];
    argv.extend_from_slice(args);
    run_bounded(60, "nsenter", &argv)
}

/// An `-i` output split into the status line, the header fields without Date, and the body.
fn split_include(out: &[u8]) -> (String, Vec<(String, String)>, Vec<u8>) {
    let end = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(out)));
    let head = String::from_utf8_lossy(&out[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or("").to_string();
    let fields = lines
        .filter_map(|l| {
            let (n, v) = l.split_once(':')?;
            Some((n.to_string(), v.trim().to_string()))
        })
        .filter(|(n, _)| !n.eq_ignore_ascii_case("date"))
        .collect();
    (status, fields, out[end + 4..].to_vec())
}

/// Compare one request's `-i` output and its plain body output with curl's; `curl_only`
/// goes to curl alone (`--cacert`: toolbox reads the CA from the target itself).
fn same_as_curl(pid: i32, curl_only: &[&str], args: &[&str]) {
    for include in [true, false] {
        let mut targs: Vec<&str> = if include { vec!["-i"] } else { vec![] };
        targs.extend_from_slice(args);
        let mut cargs = curl_only.to_vec();
        cargs.extend_from_slice(&targs);
        let c = curl(pid, &cargs);
        let t = toolbox(pid, &targs);
        assert!(c.status.success(), "curl {cargs:?}: {}", stderr(&c));
        assert_eq!(
            t.status.code(),
            Some(0),
            "toolbox {targs:?}: {}",
            stderr(&t)
        );
        if include {
            let (cs, ch, cb) = split_include(&c.stdout);
            let (ts, th, tb) = split_include(&t.stdout);
            similar_asserts::assert_eq!(ts, cs, "status line of {targs:?}");
            similar_asserts::assert_eq!(th, ch, "headers of {targs:?}");
            assert!(tb == cb, "body of {targs:?} differs from curl's");
        } else {
            assert!(
                t.stdout == c.stdout,
                "body of {targs:?}: toolbox {:?} curl {:?}",
                String::from_utf8_lossy(&t.stdout),
                String::from_utf8_lossy(&c.stdout)
            );
        }
    }
}

#[test]
fn nginx_answers_equal_curls() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    same_as_curl(pid, &[], &["http://127.0.0.1/"]);
    same_as_curl(pid, &[], &["http://127.0.0.1/no-such-page"]);
    same_as_curl(
        pid,
        &[],
        &["-X", "POST", "-d", "a=1&b=2", "http://127.0.0.1/"],
    );
    same_as_curl(pid, &[], &["-H", "Range: bytes=0-9", "http://127.0.0.1/"]);
    // https: toolbox trusts the target's bundle, curl is given the same CA from the host.
    let ca = pod.var("TESTPOD_CA_CERT");
    same_as_curl(pid, &["--cacert", ca], &["https://localhost/"]);
    same_as_curl(pid, &["--cacert", ca], &["https://127.0.0.1/no-such-page"]);
    // -I: HEAD, headers only.
    let c = curl(pid, &["--cacert", ca, "-I", "https://localhost/"]);
    let t = toolbox(pid, &["-I", "https://localhost/"]);
    assert!(c.status.success(), "curl -I: {}", stderr(&c));
    assert_eq!(t.status.code(), Some(0), "toolbox -I: {}", stderr(&t));
    let (cs, ch, _) = split_include(&c.stdout);
    let (ts, th, tb) = split_include(&t.stdout);
    similar_asserts::assert_eq!((ts, th), (cs, ch));
    assert!(tb.is_empty(), "-I printed a body");
}

/// A process the test started in the pod's network namespace, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Run a python3 server (`script`, with `args`) in the namespace of `pid`; returns once it
/// printed `ready` (it listens then).
fn serve(pid: i32, script: &str, args: &[&str]) -> Server {
    let pid = pid.to_string();
    let mut child = Command::new("nsenter")
        .args(["-t", &pid, "-n", "python3", "-c", script])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start python3 in the pod's network namespace");
    let mut line = String::new();
    let out = child.stdout.take().expect("piped stdout");
    let server = Server(child);
    BufReader::new(out)
        .read_line(&mut line)
        .expect("read the server's ready line");
    assert_eq!(line.trim(), "ready", "the test server did not start");
    server
}

/// Answers every connection with the same chunked response (what nginx sends for dynamic
/// content; its static files all have Content-Length); `/redirect` with a 302 to `/x`;
/// `/silent` never (the connection stays open while the server goes on).
const CHUNKED_SERVER: &str = r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
print("ready", flush=True)
body = [b"first chunk\n", bytes(range(256)) * 40, b"", b"last\r\n"]
held = []
while True:
    c, _ = s.accept()
    req = b""
    while b"\r\n\r\n" not in req:
        d = c.recv(4096)
        if not d:
            break
        req += d
    if req.startswith(b"GET /redirect "):
        c.sendall(b"HTTP/1.1 302 Found\r\nLocation: /x\r\nContent-Length: 6\r\n\r\nmoved\n")
        c.close()
        continue
    if req.startswith(b"GET /silent "):
        held.append(c)
        continue
    out = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\nX-Test: chunked\r\n\r\n"
    for b in body:
        if b:
            out += b"%x;ext=1\r\n" % len(b) + b + b"\r\n"
    out += b"0\r\nX-Trailer: t\r\n\r\n"
    c.sendall(out)
    c.close()
"#;

#[test]
fn chunked_body_redirects_and_max_time_like_curl() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let _server = serve(pid, CHUNKED_SERVER, &["47480"]);
    same_as_curl(pid, &[], &["http://127.0.0.1:47480/x"]);
    // -L follows the 302: both heads with -i, the final body only.
    same_as_curl(pid, &[], &["-L", "http://127.0.0.1:47480/redirect"]);
    // Without -L the redirect's own body is the output.
    same_as_curl(pid, &[], &["http://127.0.0.1:47480/redirect"]);
    // -m: a server that never answers; both give up with 28.
    let args = ["-m", "1", "http://127.0.0.1:47480/silent"];
    let c = curl(pid, &args);
    let o = toolbox(pid, &args);
    assert_eq!(c.status.code(), Some(28), "curl: {}", stderr(&c));
    assert_eq!(o.status.code(), Some(28), "toolbox: {}", stderr(&o));
    assert!(stderr(&o).contains("timed out"), "{}", stderr(&o));
}

fn timing(v: &Value) -> Vec<f64> {
    [
        "time_namelookup",
        "time_connect",
        "time_appconnect",
        "time_starttransfer",
        "time_total",
    ]
    .iter()
    .map(|k| {
        v["timing"][k]
            .as_f64()
            .unwrap_or_else(|| panic!("no {k} in {v}"))
    })
    .collect()
}

#[test]
fn timing_fields_are_present_and_ordered() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let o = toolbox(pid, &["-o", "json", "https://localhost/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let t = timing(&v);
    assert!(
        t.windows(2).all(|w| w[0] <= w[1]),
        "https times not ordered: {t:?}"
    );
    assert!(t[2] > 0.0, "no TLS time: {t:?}");
    assert_eq!(v["response"]["status"], 200, "{v}");
    assert!(
        v["body"].as_str().is_some_and(|b| b.contains("hello")),
        "{v}"
    );
    // Plain http: time_appconnect is 0, as curl's; the others are ordered.
    let o = toolbox(pid, &["-o", "json", "http://127.0.0.1/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = timing(&json(&o));
    assert_eq!(t[2], 0.0, "{t:?}");
    let without: Vec<f64> = [t[0], t[1], t[3], t[4]].to_vec();
    assert!(
        without.windows(2).all(|w| w[0] <= w[1]),
        "http times not ordered: {t:?}"
    );
    // --timing and -v print them on stderr, the body stays alone on stdout.
    let o = toolbox(pid, &["--timing", "http://127.0.0.1/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for k in [
        "time_namelookup",
        "time_connect",
        "time_appconnect",
        "time_starttransfer",
        "time_total",
    ] {
        assert!(stderr(&o).contains(k), "{k} missing: {}", stderr(&o));
    }
    assert_eq!(o.stdout, curl(pid, &["http://127.0.0.1/"]).stdout);
}

#[test]
fn https_is_verified_with_the_targets_ca() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let o = toolbox(pid, &["-o", "json", "https://localhost/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json(&o);
    let tls = &v["tls"];
    assert_eq!(tls["verdict"]["verified"], true, "{v}");
    assert!(
        tls["ca"].as_str().is_some_and(
            |c| c.starts_with("/etc/ssl/certs/ca-certificates.crt in the target's root")
        ),
        "{v}"
    );
    assert!(
        tls["version"]
            .as_str()
            .is_some_and(|s| s.starts_with("TLSv1.")),
        "{v}"
    );
    assert!(
        tls["cipher"]
            .as_str()
            .is_some_and(|s| s.starts_with("TLS_")),
        "{v}"
    );
    assert_eq!(tls["alpn"], "http/1.1", "{v}");
    // The same protocol version as curl's handshake with the same server.
    let c = curl(
        pid,
        &[
            "-v",
            "--cacert",
            pod.var("TESTPOD_CA_CERT"),
            "-o",
            "/dev/null",
            "https://localhost/",
        ],
    );
    let curl_version = stderr(&c)
        .lines()
        .find_map(|l| {
            l.strip_prefix("* SSL connection using ")?
                .split(' ')
                .next()
                .map(str::to_string)
        })
        .unwrap_or_else(|| panic!("no TLS version in curl -v: {}", stderr(&c)));
    assert_eq!(tls["version"], curl_version.as_str(), "{v}");
    let leaf = &tls["chain"][0];
    assert_eq!(leaf["subject"], "CN=web.default.svc.cluster.local", "{v}");
    assert!(
        leaf["issuer"]
            .as_str()
            .is_some_and(|s| s.contains("toolbox test CA")),
        "{v}"
    );
    let sans: Vec<&str> = leaf["sans"]
        .as_array()
        .expect("sans")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        sans.contains(&"DNS:localhost") && sans.contains(&"IP:127.0.0.1"),
        "{sans:?}"
    );
    assert!(leaf["days_left"].as_i64().is_some_and(|d| d > 0), "{v}");
    // -v shows the same on stderr, as curl -v's `*` lines.
    let o = toolbox(pid, &["-v", "-o", "/dev/null", "https://localhost/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    for want in [
        "* SSL connection using TLSv1.",
        "* ALPN: server accepted http/1.1",
        "subject: CN=web.default.svc.cluster.local",
        "SSL certificate verify ok",
        "> GET / HTTP/1.1",
        "< HTTP/1.1 200 OK",
    ] {
        assert!(e.contains(want), "{want:?} missing from -v:\n{e}");
    }
    // toolbox's built-in roots do not know the test CA: unknown issuer, and the chain shown.
    let o = toolbox(pid, &["--ca", "builtin", "https://localhost/"]);
    assert_eq!(o.status.code(), Some(60), "{}", stderr(&o));
    assert!(stderr(&o).contains("unknown issuer"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("subject: CN=web.default.svc.cluster.local"),
        "{}",
        stderr(&o)
    );
    // -k goes on, and says so.
    let o = toolbox(pid, &["-k", "--ca", "builtin", "https://localhost/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("verify FAILED"), "{}", stderr(&o));
    // From a debug container in the pod (the `kubectl debug --target` case): the namespace is
    // shared and the CA bundle is read from the target's root.
    let o = pod.toolbox(
        &["--cap-add", "SYS_PTRACE"],
        &["http", "-o", "json", "https://localhost/"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        json(&o)["tls"]["verdict"]["verified"],
        true,
        "{}",
        stdout(&o)
    );
}

/// openssl with arguments; asserts success.
fn openssl(dir: &Path, args: &[&str]) {
    let o = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run openssl");
    assert!(
        o.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A key and a certificate for `names` (subjectAltName), signed by `ca` (cert, key) with
/// `openssl ca`, valid from `start` to `end` (YYYYMMDDHHMMSSZ). Returns (cert, key) paths.
fn make_cert(
    dir: &Path,
    tag: &str,
    cn: &str,
    names: &str,
    ca: (&str, &str),
    start: &str,
    end: &str,
) -> (PathBuf, PathBuf) {
    let db = dir.join(format!("{tag}.db"));
    std::fs::create_dir_all(&db).unwrap();
    std::fs::write(db.join("index.txt"), "").unwrap();
    let conf = dir.join(format!("{tag}.cnf"));
    std::fs::write(
        &conf,
        format!(
            "[ca]\ndefault_ca = tb\n[tb]\ndatabase = {db}/index.txt\nnew_certs_dir = {db}\nrand_serial = yes\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n[leaf]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature\nextendedKeyUsage = serverAuth\nsubjectAltName = {names}\n",
            db = db.display()
        ),
    )
    .unwrap();
    let key = dir.join(format!("{tag}.key"));
    let csr = dir.join(format!("{tag}.csr"));
    let crt = dir.join(format!("{tag}.crt"));
    let (k, c, r) = (
        key.to_str().unwrap(),
        csr.to_str().unwrap(),
        crt.to_str().unwrap(),
    );
    openssl(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            k,
            "-subj",
            &format!("/CN={cn}"),
            "-out",
            c,
        ],
    );
    openssl(
        dir,
        &[
            "ca",
            "-batch",
            "-notext",
            "-config",
            conf.to_str().unwrap(),
            "-extensions",
            "leaf",
            "-cert",
            ca.0,
            "-keyfile",
            ca.1,
            "-startdate",
            start,
            "-enddate",
            end,
            "-in",
            c,
            "-out",
            r,
        ],
    );
    (crt, key)
}

/// Serves one certificate over TLS and answers each request with `ok`.
const TLS_SERVER: &str = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[3])))
s.listen(8)
print("ready", flush=True)
while True:
    c, _ = s.accept()
    try:
        t = ctx.wrap_socket(c, server_side=True)
        t.recv(65536)
        t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
        t.close()
    except Exception:
        c.close()
"#;

/// One bad certificate: how it is made, and what toolbox must say about it.
struct BadCert<'a> {
    tag: &'a str,
    cn: &'a str,
    names: &'a str,
    ca: (&'a str, &'a str),
    dates: (&'a str, &'a str),
    reason: &'a str,
    kind: &'a str,
    port: u16,
}

#[test]
fn bad_certificates_fail_with_the_reason_and_the_details() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let test_ca = (pod.var("TESTPOD_CA_CERT"), pod.var("TESTPOD_CA_KEY"));
    // An unrelated CA, self-signed, that the target does not trust.
    let other_key = dir.join("other-ca.key");
    let other_crt = dir.join("other-ca.crt");
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            other_key.to_str().unwrap(),
            "-subj",
            "/CN=unrelated test CA",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
            "-out",
            other_crt.to_str().unwrap(),
        ],
    );
    let valid = ("20250101000000Z", "20400101000000Z");
    let other = (other_crt.to_str().unwrap(), other_key.to_str().unwrap());
    let cases = [
        BadCert {
            tag: "unknown",
            cn: "unknown.test",
            names: "DNS:localhost",
            ca: other,
            dates: valid,
            reason: "unknown issuer",
            kind: "unknown_issuer",
            port: 47481,
        },
        BadCert {
            tag: "expired",
            cn: "expired.test",
            names: "DNS:localhost",
            ca: test_ca,
            dates: ("20200101000000Z", "20210101000000Z"),
            reason: "certificate expired",
            kind: "expired",
            port: 47482,
        },
        BadCert {
            tag: "mismatch",
            cn: "other.test",
            names: "DNS:other.test",
            ca: test_ca,
            dates: valid,
            reason: "name mismatch",
            kind: "name_mismatch",
            port: 47483,
        },
    ];
    for BadCert {
        tag,
        cn,
        names,
        ca,
        dates: (start, end),
        reason,
        kind,
        port,
    } in cases
    {
        let (crt, key) = make_cert(dir, tag, cn, names, ca, start, end);
        let _server = serve(
            pid,
            TLS_SERVER,
            &[
                crt.to_str().unwrap(),
                key.to_str().unwrap(),
                &port.to_string(),
            ],
        );
        let url = format!("https://localhost:{port}/");
        // The reference agrees that the certificate is bad (curl exits 60).
        let c = curl(pid, &["--cacert", pod.var("TESTPOD_CA_CERT"), &url]);
        assert_eq!(c.status.code(), Some(60), "{tag}: curl {}", stderr(&c));
        let o = toolbox(pid, &[&url]);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(60), "{tag}: {e}");
        assert!(
            o.stdout.is_empty(),
            "{tag}: a body after a failed verification"
        );
        assert!(e.contains(reason), "{tag}: no {reason:?} in:\n{e}");
        assert!(
            e.contains(&format!("subject: CN={cn}")),
            "{tag}: no subject in:\n{e}"
        );
        assert!(
            e.contains("issuer: ") && e.contains("expire date: "),
            "{tag}: no details in:\n{e}"
        );
        if tag == "expired" {
            assert!(
                e.contains("2021-01-01 00:00:00 UTC (expired"),
                "{tag}:\n{e}"
            );
        }
        let o = toolbox(pid, &["-o", "json", &url]);
        assert_eq!(o.status.code(), Some(60), "{tag}: {}", stderr(&o));
        let v = doc(&o);
        assert_eq!(v["tls"]["verdict"]["failure"], kind, "{tag}: {v}");
        assert_eq!(
            v["tls"]["chain"][0]["subject"],
            format!("CN={cn}"),
            "{tag}: {v}"
        );
        assert_eq!(v["error"]["exit_code"], 60, "{tag}: {v}");
        // -k: the transfer goes on, with the reason as a warning.
        let o = toolbox(pid, &["-k", &url]);
        assert_eq!(o.status.code(), Some(0), "{tag}: {}", stderr(&o));
        assert_eq!(o.stdout, b"ok\n", "{tag}");
        assert!(stderr(&o).contains(reason), "{tag}: {}", stderr(&o));
    }
}

#[test]
fn resolve_and_errors_exit_like_curl() {
    require_pod!();
    let pod = Pod::up(PidMode::Shared);
    let pid = pod.nginx_pid();
    // --resolve bypasses the target's resolver (the name exists nowhere).
    let o = toolbox(
        pid,
        &[
            "--resolve",
            "nowhere.invalid:80:127.0.0.1",
            "http://nowhere.invalid/",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(o.stdout, curl(pid, &["http://127.0.0.1/"]).stdout);
    // Refused: 7, as curl.
    for (args, code) in [
        (vec!["http://127.0.0.1:1/"], 7),
        (vec!["nosuch://127.0.0.1/"], 1),
        (vec!["http://127.0.0.1:99999/"], 3),
    ] {
        let c = curl(pid, &args);
        let o = toolbox(pid, &args);
        assert_eq!(c.status.code(), Some(code), "curl {args:?}: {}", stderr(&c));
        assert_eq!(
            o.status.code(),
            Some(code),
            "toolbox {args:?}: {}",
            stderr(&o)
        );
    }
    // -o FILE: written in toolbox's own file system.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("body");
    let o = toolbox(pid, &["-o", file.to_str().unwrap(), "http://127.0.0.1/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        curl(pid, &["http://127.0.0.1/"]).stdout
    );
}

/// A network namespace the test makes, removed when dropped, with a process in it (for --pid).
struct Netns {
    name: String,
    holder: Child,
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = self.holder.kill();
        let _ = self.holder.wait();
        let _ = run_bounded(10, "ip", &["netns", "del", &self.name]);
    }
}

#[test]
fn connect_timeout_exits_28_like_curl() {
    require_root!();
    let name = format!("toolbox-http-{}", std::process::id());
    let ok = |args: &[&str]| {
        let o = run_bounded(10, "ip", args);
        assert!(o.status.success(), "ip {args:?}: {}", stderr(&o));
    };
    ok(&["netns", "add", &name]);
    let holder = Command::new("ip")
        .args(["netns", "exec", &name, "sleep", "120"])
        .stdin(Stdio::null())
        .spawn()
        .expect("start a process in the namespace");
    let ns = Netns { name, holder };
    // A veth pair inside it: 192.0.2.2 is "on" v0's link with a fixed neighbour entry (no ARP),
    // and v1, which has no address and not that MAC, drops the SYN; so connecting hangs until
    // the timeout, every time.
    for args in [
        vec!["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        vec!["addr", "add", "192.0.2.1/24", "dev", "v0"],
        vec!["link", "set", "v0", "up"],
        vec!["link", "set", "v1", "up"],
        vec![
            "neigh",
            "add",
            "192.0.2.2",
            "lladdr",
            "02:00:00:00:00:02",
            "dev",
            "v0",
            "nud",
            "permanent",
        ],
    ] {
        let mut a = vec!["-n", ns.name.as_str()];
        a.extend(args);
        ok(&a);
    }
    let args = ["--connect-timeout", "0.5", "http://192.0.2.2/"];
    let mut cargs = vec!["netns", "exec", ns.name.as_str(), "curl", "-sS"];
    cargs.extend(args);
    let c = run_bounded(30, "ip", &cargs);
    assert_eq!(c.status.code(), Some(28), "curl: {}", stderr(&c));
    let o = toolbox(ns.holder.id() as i32, &args);
    assert_eq!(o.status.code(), Some(28), "toolbox: {}", stderr(&o));
    assert!(
        stderr(&o).contains("connecting timed out"),
        "{}",
        stderr(&o)
    );
}
