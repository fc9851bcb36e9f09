//! What a certificate says, for people checking a server's chain: subject, issuer, names,
//! validity and days to expiry, from the DER the server sent (parsed by x509-parser).

use serde::Serialize;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

/// One certificate of a chain, as printed.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct CertInfo {
    /// The subject's distinguished name (RFC 4514 style).
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// subjectAltName entries: `DNS:name`, `IP:addr`, `email:…`, `URI:…`.
    pub sans: Vec<String>,
    /// The serial number in hex, colon-separated.
    pub serial: String,
    /// notBefore, `YYYY-MM-DD HH:MM:SS UTC`.
    pub not_before: String,
    /// notAfter, `YYYY-MM-DD HH:MM:SS UTC`.
    pub not_after: String,
    /// Whole days from now to notAfter (negative once expired).
    pub days_left: i64,
    /// Whether subject and issuer are the same name (a root or a self-signed certificate).
    pub self_issued: bool,
}

impl CertInfo {
    /// The details of one DER certificate, `now` in seconds since the epoch; None if it does
    /// not parse (the server sent garbage: the TLS error says so).
    pub fn from_der(der: &[u8], now: i64) -> Option<CertInfo> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let mut sans = Vec::new();
        if let Ok(Some(ext)) = cert.subject_alternative_name() {
            for name in &ext.value.general_names {
                sans.push(match name {
                    GeneralName::DNSName(n) => format!("DNS:{n}"),
                    GeneralName::IPAddress(b) => format!("IP:{}", ip_text(b)),
                    GeneralName::RFC822Name(n) => format!("email:{n}"),
                    GeneralName::URI(n) => format!("URI:{n}"),
                    other => format!("{other:?}"),
                });
            }
        }
        let not_after = cert.validity().not_after.timestamp();
        Some(CertInfo {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            sans,
            serial: cert.raw_serial_as_string(),
            not_before: utc_text(cert.validity().not_before.timestamp()),
            not_after: utc_text(not_after),
            days_left: (not_after - now).div_euclid(86_400),
            self_issued: cert.subject().as_raw() == cert.issuer().as_raw(),
        })
    }
}

/// An IP address SAN: 4 or 16 bytes (anything else shown in hex).
fn ip_text(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => b.iter().map(|x| format!("{x:02x}")).collect(),
    }
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM:SS UTC` (proleptic Gregorian calendar).
pub fn utc_text(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::output::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc_text(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_text(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_text(1_796_425_712), "2026-12-04 23:08:32 UTC");
        assert_eq!(utc_text(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn garbage_is_none() {
        assert!(CertInfo::from_der(b"\x30\x03abc", 0).is_none());
    }
}
