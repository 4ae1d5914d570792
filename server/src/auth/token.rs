//! Session tokens: 32 random bytes, base64url in transit, SHA-256 at rest.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Length of an encoded token: 32 bytes as unpadded base64url.
const ENCODED_LEN: usize = 43;

/// A fresh random token, as handed to the client.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores for a token. `None` for text that cannot be a token, so garbage
/// never reaches a query.
pub fn hash(token: &str) -> Option<Vec<u8>> {
    let decoded = URL_SAFE_NO_PAD.decode(token).ok()?;
    (token.len() == ENCODED_LEN && decoded.len() == 32)
        .then(|| Sha256::digest(token.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_hashable() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), ENCODED_LEN);
        assert_eq!(hash(&a).map(|h| h.len()), Some(32));
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn garbage_is_not_a_token() {
        assert_eq!(hash(""), None);
        assert_eq!(hash("not a token"), None);
        assert_eq!(hash(&"A".repeat(44)), None);
        assert_eq!(hash(&"!".repeat(43)), None);
    }
}
