//! HTTPS for prizegen's own clients, `prizegen load` and `prizegen healthcheck`: the public edge
//! terminates TLS, so the tools that smoke-test a deployment must speak it. rustls, trusting the
//! Mozilla roots (compiled in: the container image has no system store), plus a private CA
//! (`--ca-cert FILE`, e.g. `deploy/make-cert.sh`'s), or nothing at all (`--insecure`, off by
//! default, for an edge with a certificate nobody signed). Plain `http://` URLs still work.

use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Whom a client trusts.
#[derive(Clone, Debug, Default)]
pub struct TlsOptions {
    /// A PEM file of CA certificates to trust besides the Mozilla roots.
    pub ca_cert: Option<PathBuf>,
    /// Trust any certificate: for a test edge with a self-signed one, never for real.
    pub insecure: bool,
}

/// Why a client could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The CA file cannot be read or holds no certificate.
    #[error("--ca-cert {path}: {why}")]
    CaCert {
        /// The file.
        path: String,
        /// What was wrong.
        why: String,
    },
    /// rustls refused the configuration.
    #[error("TLS setup: {0}")]
    Rustls(#[from] rustls::Error),
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The rustls configuration `options` ask for.
pub fn client_config(options: &TlsOptions) -> Result<ClientConfig, TlsError> {
    let provider = provider();
    let builder =
        ClientConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions()?;
    let config = if options.insecure {
        let verifier = Arc::new(AnyCertificate(provider.signature_verification_algorithms));
        builder.dangerous().with_custom_certificate_verifier(verifier).with_no_client_auth()
    } else {
        let mut roots = RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        if let Some(path) = &options.ca_cert {
            let error = |why: String| TlsError::CaCert { path: path.display().to_string(), why };
            let certificates = CertificateDer::pem_file_iter(path)
                .map_err(|e| error(e.to_string()))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| error(e.to_string()))?;
            if certificates.is_empty() {
                return Err(error("no PEM certificate in it".into()));
            }
            for certificate in certificates {
                roots.add(certificate).map_err(|e| error(e.to_string()))?;
            }
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(config)
}

/// A connector for `http://` and `https://` URLs, with `connect_timeout` on the TCP connect.
pub fn connector(
    options: &TlsOptions,
    connect_timeout: Option<Duration>,
) -> Result<HttpsConnector<HttpConnector>, TlsError> {
    let mut http = HttpConnector::new();
    // Small request/response pairs: do not wait to coalesce packets.
    http.set_nodelay(true);
    http.set_connect_timeout(connect_timeout);
    // The TLS layer decides the scheme; the TCP layer must let https:// through.
    http.enforce_http(false);
    Ok(HttpsConnectorBuilder::new()
        .with_tls_config(client_config(options)?)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

/// `--insecure`: any certificate is taken, but the handshake's signatures are still checked
/// (the connection is encrypted, to whoever answers).
#[derive(Debug)]
struct AnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_file_must_hold_a_certificate() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let options = TlsOptions { ca_cert: Some(empty), insecure: false };
        let error = client_config(&options).unwrap_err().to_string();
        assert!(error.contains("--ca-cert") && error.contains("no PEM certificate"), "{error}");
        let missing = TlsOptions { ca_cert: Some(dir.path().join("nope.pem")), insecure: false };
        assert!(client_config(&missing).is_err());
        assert!(client_config(&TlsOptions::default()).is_ok(), "the Mozilla roots alone");
        assert!(client_config(&TlsOptions { ca_cert: None, insecure: true }).is_ok());
    }
}
