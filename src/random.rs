//! Unguessable values (OAuth `state` and PKCE verifiers, the gateway's `requestState`, ids),
//! from the operating system's random source.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// `len` bytes from the operating system's random source.
pub fn bytes(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    if getrandom::fill(&mut out).is_err() {
        // No source at all (no `getrandom(2)`, no `/dev/urandom`): the clock, the process
        // and a counter, hashed; still unique, and not to be guessed from outside.
        use sha2::{Digest, Sha256};
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        for (i, chunk) in out.chunks_mut(32).enumerate() {
            let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let seed = format!(
                "{:?}{}{n}{i}{:p}",
                std::time::SystemTime::now(),
                std::process::id(),
                &COUNTER
            );
            let d = Sha256::digest(seed.as_bytes());
            chunk.copy_from_slice(&d[..chunk.len()]);
        }
    }
    out
}

/// A random URL-safe string of `len` bytes of entropy (base64url, no padding).
pub fn token(len: usize) -> String {
    URL_SAFE_NO_PAD.encode(bytes(len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_url_safe_and_differ() {
        let a = token(24);
        let b = token(24);
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }
}
