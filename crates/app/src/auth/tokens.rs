//! Random secret tokens and the hashes under which they are stored.

use crate::{AppError, AppResult};
use sha2::{Digest, Sha256};

/// `N` random bytes from the system.
pub(crate) fn random_bytes<const N: usize>() -> AppResult<[u8; N]> {
    let mut raw = [0u8; N];
    getrandom::fill(&mut raw).map_err(|e| AppError::Other(format!("randomness: {e}")))?;
    Ok(raw)
}

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> AppResult<String> {
    Ok(hex::encode(random_bytes::<32>()?))
}

/// SHA-256 hex of a secret token (reset tokens, staff API tokens, recovery codes: only their
/// hashes are stored).
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
