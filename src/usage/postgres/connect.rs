//! Connecting to a PostgreSQL ledger: the URL (and what it may not show), the password (from
//! the URL, `PGPASSWORD` or the password file), TLS as `sslmode` asks, and errors a user can
//! act on.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use postgres::config::{Host, SslMode};

/// The environment a connection reads (an input, so that tests can pin it).
#[derive(Debug, Clone, Default)]
pub struct PgEnv {
    pub password: Option<String>,
    /// `PGPASSFILE`, else `~/.pgpass`.
    pub passfile: Option<PathBuf>,
    /// The user when the URL names none: `PGUSER`, else the login name.
    pub user: Option<String>,
}

impl PgEnv {
    pub fn from_process() -> PgEnv {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        PgEnv {
            password: var("PGPASSWORD"),
            passfile: var("PGPASSFILE")
                .map(PathBuf::from)
                .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass"))),
            user: var("PGUSER")
                .or_else(|| var("USER"))
                .or_else(|| var("LOGNAME")),
        }
    }
}

/// How the URL asks for TLS (`sslmode`, as libpq reads it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls {
    /// `disable`: never.
    Disable,
    /// `allow`, `prefer` (the default): when the server offers it, without checking its
    /// certificate (as libpq does).
    Prefer,
    /// `require`: always, without checking the certificate (unless `sslrootcert` is given).
    Require,
    /// `verify-ca` (or `require` with `sslrootcert`): always, and the certificate must chain
    /// to a trusted root; the name in it is not checked.
    VerifyCa,
    /// `verify-full`: always, the certificate must chain to a trusted root and name the host.
    VerifyFull,
}

/// A parsed ledger URL.
pub struct Target {
    pub config: postgres::Config,
    pub tls: Tls,
    /// `sslrootcert`: the roots to trust instead of the system's.
    pub root_cert: Option<PathBuf>,
    /// The URL as it may be shown: without its password.
    pub shown: String,
}

fn bad_url(shown: &str, why: impl std::fmt::Display) -> anyhow::Error {
    crate::error::usage(format!("invalid PostgreSQL URL `{shown}`: {why}"))
        .hint(
            "the form is postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=require]; \
             nothing was changed",
        )
        .into()
}

/// Parses a `postgres://` or `postgresql://` URL, and fills in what it leaves out from `env`
/// (user, password, the password file), as libpq would.
pub fn parse(url: &str, env: &PgEnv) -> anyhow::Result<Target> {
    let shown = crate::usage::ledger::redact_url(url);
    // sslmode and sslrootcert are aimcp's to read (the driver knows fewer modes)
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut tls = Tls::Prefer;
    let mut root_cert = None;
    let mut rest = Vec::new();
    for kv in query.split('&').filter(|kv| !kv.is_empty()) {
        match kv.split_once('=') {
            Some(("sslmode", v)) => {
                tls = match v {
                    "disable" => Tls::Disable,
                    "allow" | "prefer" => Tls::Prefer,
                    "require" => Tls::Require,
                    "verify-ca" => Tls::VerifyCa,
                    "verify-full" => Tls::VerifyFull,
                    other => {
                        return Err(bad_url(
                            &shown,
                            format!(
                                "sslmode `{other}` is not one of disable, allow, prefer, \
                                 require, verify-ca, verify-full"
                            ),
                        ));
                    }
                }
            }
            Some(("sslrootcert", v)) => root_cert = Some(PathBuf::from(percent_decode(v))),
            _ => rest.push(kv),
        }
    }
    if root_cert.is_some() && tls == Tls::Require {
        // libpq: with a root certificate, `require` checks the chain like verify-ca
        tls = Tls::VerifyCa;
    }
    let driver_url = if rest.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", rest.join("&"))
    };
    let mut config: postgres::Config = driver_url.parse().map_err(|e| bad_url(&shown, e))?;
    if config.get_hosts().is_empty() {
        config.host("localhost");
    }
    if config.get_user().is_none() {
        match &env.user {
            Some(u) => {
                config.user(u);
            }
            None => return Err(bad_url(&shown, "it names no user, and neither does PGUSER")),
        }
    }
    if config.get_dbname().is_none() {
        let user = config.get_user().unwrap_or_default().to_string();
        config.dbname(&user);
    }
    if config.get_password().is_none() {
        if let Some(p) = &env.password {
            config.password(p);
        } else if let Some(file) = &env.passfile
            && let Some(p) = from_passfile(file, &config)
        {
            config.password(p);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.ssl_mode(match tls {
        Tls::Disable => SslMode::Disable,
        Tls::Prefer => SslMode::Prefer,
        Tls::Require | Tls::VerifyCa | Tls::VerifyFull => SslMode::Require,
    });
    config.application_name("aimcp");
    Ok(Target {
        config,
        tls,
        root_cert,
        shown,
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The password of the first line of a libpq password file (`host:port:database:user:password`,
/// `*` matching anything, `\` escaping `:` and `\`) that matches the connection. A file that
/// others can read is ignored, as libpq ignores it.
pub fn from_passfile(file: &Path, config: &postgres::Config) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(file).ok()?;
    if meta.permissions().mode() & 0o077 != 0 {
        return None;
    }
    let text = std::fs::read_to_string(file).ok()?;
    let host = match config.get_hosts().first()? {
        Host::Tcp(h) => h.clone(),
        Host::Unix(_) => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let db = config.get_dbname().unwrap_or_default();
    let user = config.get_user().unwrap_or_default();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields = split_passfile_line(line);
        if fields.len() < 5 {
            continue;
        }
        let matches = |field: &str, value: &str| field == "*" || field == value;
        if matches(&fields[0], &host)
            && matches(&fields[1], &port)
            && matches(&fields[2], db)
            && matches(&fields[3], user)
        {
            return Some(fields[4].clone());
        }
    }
    None
}

fn split_passfile_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let (Some(n), Some(f)) = (chars.next(), fields.last_mut()) {
                    f.push(n);
                }
            }
            // the fifth field (the password) takes the rest of the line, colons too
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(f) = fields.last_mut() {
                    f.push(c);
                }
            }
        }
    }
    fields
}

/// Accepts any certificate: what libpq's `prefer` and `require` check (nothing but that the
/// connection is encrypted).
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Checks that the certificate chains to a trusted root, but not the name in it: libpq's
/// `verify-ca` (a server reached by an address its certificate does not name).
#[derive(Debug)]
struct ChainOnly(Arc<rustls::client::WebPkiServerVerifier>);

impl rustls::client::danger::ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &rustls::pki_types::CertificateDer<'_>,
        intermediates: &[rustls::pki_types::CertificateDer<'_>],
        server_name: &rustls::pki_types::ServerName<'_>,
        ocsp: &[u8],
        now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        use rustls::CertificateError::{NotValidForName, NotValidForNameContext};
        // the chain is checked first: a name error means the chain was good
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(rustls::Error::InvalidCertificate(
                NotValidForName | NotValidForNameContext { .. },
            )) => Ok(rustls::client::danger::ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

fn tls_config(target: &Target) -> anyhow::Result<rustls::ClientConfig> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    if !matches!(target.tls, Tls::VerifyCa | Tls::VerifyFull) {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
            .with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    match &target.root_cert {
        Some(file) => {
            let pem = std::fs::read(file).map_err(|e| {
                anyhow::anyhow!("cannot read sslrootcert `{}`: {e}", file.display())
            })?;
            use rustls::pki_types::pem::PemObject;
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
                roots.add(cert?)?;
            }
        }
        None => {
            roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
        }
    }
    if target.tls == Tls::VerifyCa {
        let chain =
            rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()?;
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(ChainOnly(chain)))
            .with_no_client_auth());
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// Connects (through the driver's own runtime: never call this on a thread that drives async
/// tasks; the gateway calls the ledger from `spawn_blocking`).
pub fn connect(target: &Target) -> anyhow::Result<postgres::Client> {
    let result = match target.tls {
        Tls::Disable => target.config.connect(postgres::NoTls),
        _ => target
            .config
            .connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls_config(
                target,
            )?)),
    };
    result.map_err(|e| unreachable(&target.shown, &e))
}

/// A connection that failed: what the server or the network said, with the URL (never its
/// password) and what to try.
fn unreachable(shown: &str, e: &postgres::Error) -> anyhow::Error {
    let why = describe(e);
    let hint = if why.contains("password authentication failed") || why.contains("password missing")
    {
        "check the password: in the URL (percent-encoded), in PGPASSWORD, or in ~/.pgpass"
    } else if why.contains("does not exist") {
        "create the database first (`createdb NAME`), or name one that exists"
    } else if why.contains("TLS") || why.contains("tls") || why.contains("certificate") {
        "set sslmode in the URL: disable, prefer, require or verify-full (with sslrootcert=FILE)"
    } else {
        "check that the server runs and that HOST and PORT in the URL are right"
    };
    crate::error::no(format!("cannot connect to the ledger at `{shown}`: {why}"))
        .hint(hint)
        .into()
}

/// The driver's error as one line: the server's message when it sent one, else the cause.
pub fn describe(e: &postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_comes_from_the_url_then_pgpassword_then_the_passfile() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(
            &file,
            "# comment\nother:5432:*:*:nope\ndb.example:*:ledger:alice:from\\:file:x\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        let env = |password: Option<&str>| PgEnv {
            password: password.map(str::to_string),
            passfile: Some(file.clone()),
            user: Some("bob".into()),
        };
        let pw = |url: &str, e: &PgEnv| {
            parse(url, e)
                .unwrap()
                .config
                .get_password()
                .map(|p| String::from_utf8_lossy(p).into_owned())
        };
        let url = "postgres://alice@db.example/ledger";
        assert_eq!(
            pw(
                "postgres://alice:in%2Furl@db.example/ledger",
                &env(Some("env"))
            )
            .as_deref(),
            Some("in/url")
        );
        assert_eq!(pw(url, &env(Some("env"))).as_deref(), Some("env"));
        assert_eq!(pw(url, &env(None)).as_deref(), Some("from:file:x"));
        assert_eq!(pw("postgres://alice@elsewhere/ledger", &env(None)), None);
        // a password file that others can read is ignored (as libpq ignores it)
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(pw(url, &env(None)), None);
        // the user and database default to PGUSER
        let t = parse("postgres://db.example", &env(None)).unwrap();
        assert_eq!(t.config.get_user(), Some("bob"));
        assert_eq!(t.config.get_dbname(), Some("bob"));
    }

    #[test]
    fn sslmode_is_read_as_libpq_reads_it() {
        let env = PgEnv {
            user: Some("u".into()),
            ..PgEnv::default()
        };
        let tls = |q: &str| parse(&format!("postgres://h/d{q}"), &env).unwrap().tls;
        assert_eq!(tls(""), Tls::Prefer);
        assert_eq!(tls("?sslmode=disable"), Tls::Disable);
        assert_eq!(tls("?sslmode=require"), Tls::Require);
        assert_eq!(tls("?sslmode=verify-full"), Tls::VerifyFull);
        assert_eq!(tls("?sslmode=verify-ca"), Tls::VerifyCa);
        assert_eq!(
            tls("?sslmode=require&sslrootcert=%2Ftmp%2Fca.pem"),
            Tls::VerifyCa
        );
        assert_eq!(
            tls("?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.pem"),
            Tls::VerifyFull
        );
        let err = parse("postgres://u:secret@h/d?sslmode=sometimes", &env)
            .err()
            .unwrap();
        assert_eq!(crate::error::exit_code(&err), 2);
        let text = format!("{err:#}");
        assert!(text.contains("sslmode `sometimes`"), "{text}");
        assert!(!text.contains("secret"), "{text}");
        let err = parse("postgres://u:secret@h:notaport/d", &env)
            .err()
            .unwrap();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(!format!("{err:#}").contains("secret"));
    }
}
