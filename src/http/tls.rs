//! TLS for `http`: which CAs to trust (the target's bundle, toolbox's built-in roots, or a
//! file), a verifier that keeps the chain the server sent and the verdict (so a failed check
//! can still show the certificates), and the negotiated parameters.

use std::io::Read;
use std::sync::{Arc, Mutex};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;

use super::cert::CertInfo;
use super::HttpError;
use crate::fs::{FsError, FsRoot};

/// Where libcs and TLS libraries look for the system CA bundle, in the order tried: Debian,
/// Ubuntu, Alpine and distroless (`ca-certificates.crt`), Fedora/RHEL (`ca-bundle.crt` and the
/// extracted `tls-ca-bundle.pem`), openSUSE, OpenELEC, and `cert.pem` (Alpine's and LibreSSL's
/// name). OpenSSL's compiled-in default is `OPENSSLDIR/cert.pem`; distributions point it (or a
/// link) at their bundle.
pub const TARGET_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
    "/etc/ssl/ca-bundle.pem",
    "/etc/pki/tls/cacert.pem",
    "/etc/ssl/cert.pem",
];

/// The most a CA bundle may be (Debian's is about 220 KiB).
const MAX_BUNDLE: u64 = 16 << 20;

/// Which CAs to trust.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaChoice {
    /// The target's system bundle, looked up in its root ([`TARGET_BUNDLES`]).
    Target,
    /// toolbox's built-in roots (Mozilla's list, from webpki-roots).
    Builtin,
    /// A PEM file in toolbox's own file system.
    File(std::path::PathBuf),
}

/// The trusted CAs and where they came from.
#[derive(Clone, Debug)]
pub struct Trust {
    /// The roots.
    pub roots: Arc<RootCertStore>,
    /// Where they came from, for people: `/etc/ssl/certs/ca-certificates.crt in the target's root`.
    pub source: String,
}

/// Load the CAs `choice` names; `root` is the target's root (for [`CaChoice::Target`]).
pub fn load_trust(choice: &CaChoice, root: Option<&FsRoot>) -> Result<Trust, HttpError> {
    match choice {
        CaChoice::Builtin => {
            let mut store = RootCertStore::empty();
            store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            Ok(Trust {
                roots: Arc::new(store),
                source: format!(
                    "toolbox's built-in roots ({} CAs, Mozilla's list)",
                    webpki_roots::TLS_SERVER_ROOTS.len()
                ),
            })
        }
        CaChoice::File(path) => {
            let shown = path.display().to_string();
            let bytes = std::fs::File::open(path)
                .and_then(|f| {
                    let mut v = Vec::new();
                    f.take(MAX_BUNDLE).read_to_end(&mut v)?;
                    Ok(v)
                })
                .map_err(|err| HttpError::CaFile {
                    path: shown.clone(),
                    why: err.to_string(),
                })?;
            trust_from_pem(&bytes, &shown, format!("{shown} (toolbox's file system)"))
        }
        CaChoice::Target => {
            let root = root.ok_or_else(|| HttpError::CaFile {
                path: "the target's CA bundle".into(),
                why: "the target's root could not be opened; use --ca builtin or --ca FILE".into(),
            })?;
            for path in TARGET_BUNDLES {
                let (file, _) = match root.open_read(path.as_bytes(), false) {
                    Ok(f) => f,
                    Err(FsError::Path { err, .. })
                        if matches!(
                            err.kind(),
                            std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                        ) =>
                    {
                        continue
                    }
                    Err(e) => {
                        return Err(HttpError::CaFile {
                            path: path.to_string(),
                            why: e.to_string(),
                        })
                    }
                };
                let mut bytes = Vec::new();
                file.take(MAX_BUNDLE)
                    .read_to_end(&mut bytes)
                    .map_err(|err| HttpError::CaFile {
                        path: path.to_string(),
                        why: err.to_string(),
                    })?;
                return trust_from_pem(&bytes, path, format!("{path} in the target's root"));
            }
            Err(HttpError::CaFile {
                path: "the target's CA bundle".into(),
                why: format!(
                    "none of {} exists in the target's root; use --ca builtin or --ca FILE",
                    TARGET_BUNDLES.join(", ")
                ),
            })
        }
    }
}

fn trust_from_pem(bytes: &[u8], path: &str, source: String) -> Result<Trust, HttpError> {
    let mut store = RootCertStore::empty();
    let certs = CertificateDer::pem_slice_iter(bytes).filter_map(Result::ok);
    let (added, ignored) = store.add_parsable_certificates(certs);
    if added == 0 {
        return Err(HttpError::CaFile {
            path: path.to_string(),
            why: format!("no usable CA certificate in it ({ignored} unusable)"),
        });
    }
    Ok(Trust {
        roots: Arc::new(store),
        source: format!("{source}, {added} CAs"),
    })
}

/// The crypto provider: *ring*. rustls 0.23.48 marks it deprecated because it has no
/// post-quantum key exchange (X25519MLKEM768); the other provider, aws-lc-rs, needs cmake and a
/// C toolchain per target and weighs several hundred KiB more, and a debugging client that
/// looks at a server's TLS gains nothing from hybrid key exchange.
#[allow(deprecated)]
pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Why the server's certificate was not accepted, in words a person can act on.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VerifyFailure {
    /// No chain from the server's certificate to a trusted CA.
    UnknownIssuer,
    /// A certificate of the chain is past its notAfter.
    Expired,
    /// A certificate of the chain is before its notBefore.
    NotYetValid,
    /// The certificate does not name the host asked for.
    NameMismatch,
    /// Anything else webpki refused (bad signature, wrong key usage, revoked…).
    Other,
}

/// The verdict on the server's certificate.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    /// Whether it was trusted.
    pub verified: bool,
    /// Why not.
    pub failure: Option<VerifyFailure>,
    /// The reason as a sentence.
    pub reason: Option<String>,
}

/// What the verifier saw.
#[derive(Debug, Default)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    result: Option<Result<(), rustls::Error>>,
}

/// A verifier that asks webpki and remembers the chain and the answer; with `insecure` (`-k`)
/// it lets the handshake go on whatever the answer.
#[derive(Debug)]
pub struct Recorder {
    inner: Arc<WebPkiServerVerifier>,
    insecure: bool,
    seen: Mutex<Seen>,
}

impl Recorder {
    /// A verifier over `roots`.
    pub fn new(roots: Arc<RootCertStore>, insecure: bool) -> Result<Arc<Recorder>, HttpError> {
        let provider = provider();
        let inner = WebPkiServerVerifier::builder_with_provider(roots, provider)
            .build()
            .map_err(|e| HttpError::Tls {
                why: format!("cannot set up certificate verification: {e}"),
            })?;
        Ok(Arc::new(Recorder {
            inner,
            insecure,
            seen: Mutex::new(Seen::default()),
        }))
    }

    /// The chain the server sent (leaf first), as DER.
    pub fn chain(&self) -> Vec<CertificateDer<'static>> {
        self.seen
            .lock()
            .map(|s| s.chain.clone())
            .unwrap_or_default()
    }

    /// The verdict, if the server got as far as sending certificates; `host` for the message.
    pub fn verdict(&self, host: &str, source: &str) -> Option<Verdict> {
        let seen = self.seen.lock().ok()?;
        let res = seen.result.as_ref()?;
        Some(match res {
            Ok(()) => Verdict {
                verified: true,
                failure: None,
                reason: None,
            },
            Err(e) => {
                let (failure, reason) = explain(e, host, source);
                Verdict {
                    verified: false,
                    failure: Some(failure),
                    reason: Some(reason),
                }
            }
        })
    }
}

/// A rustls certificate error as a failure kind and a sentence.
fn explain(e: &rustls::Error, host: &str, source: &str) -> (VerifyFailure, String) {
    let rustls::Error::InvalidCertificate(ce) = e else {
        return (VerifyFailure::Other, e.to_string());
    };
    match ce {
        CertificateError::UnknownIssuer => (
            VerifyFailure::UnknownIssuer,
            format!("unknown issuer: the server's chain does not lead to a CA in {source}"),
        ),
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => (
            VerifyFailure::Expired,
            "certificate expired: a certificate of the chain is past its not-after date".into(),
        ),
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => (
            VerifyFailure::NotYetValid,
            "certificate not yet valid: a certificate of the chain is before its not-before date (or this machine's clock is wrong)".into(),
        ),
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => (
            VerifyFailure::NameMismatch,
            format!("name mismatch: the certificate is not valid for {host} (see its subjectAltName)"),
        ),
        other => (VerifyFailure::Other, format!("certificate rejected: {other:?}")),
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let res = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        if let Ok(mut seen) = self.seen.lock() {
            seen.chain = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.result = Some(res.as_ref().map(|_| ()).map_err(Clone::clone));
        }
        match res {
            Err(_) if self.insecure => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// What was negotiated, and the server's chain with the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct TlsReport {
    /// `TLSv1.3`, `TLSv1.2`.
    pub version: Option<String>,
    /// IANA name of the cipher suite, e.g. `TLS_AES_256_GCM_SHA384`.
    pub cipher: Option<String>,
    /// The protocol the server chose by ALPN (`http/1.1`), if any.
    pub alpn: Option<String>,
    /// Where the trusted CAs came from.
    pub ca: String,
    /// The verdict (None: the server sent no certificate before failing).
    pub verdict: Option<Verdict>,
    /// The chain the server sent, leaf first.
    pub chain: Vec<CertInfo>,
}

/// A protocol version as people write it.
pub fn version_text(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

/// A cipher suite's IANA name (rustls's names are those, e.g. `TLS13_AES_128_GCM_SHA256` is
/// printed as `TLS_AES_128_GCM_SHA256`, the name in RFC 8446 §B.4).
pub fn cipher_text(s: rustls::CipherSuite) -> String {
    let name = s.as_str().map(str::to_string).unwrap_or(format!("{s:?}"));
    match name.strip_prefix("TLS13_") {
        Some(rest) => format!("TLS_{rest}"),
        None => name,
    }
}
