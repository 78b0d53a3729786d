//! Random secret tokens and the hashes under which they are stored.

use crate::{AppError, AppResult};
use sha2::{Digest, Sha256};

/// A random URL-safe token of 32 bytes.
pub fn random_token() -> AppResult<String> {
    let mut raw = [0u8; 32];
    getrandom::fill(&mut raw).map_err(|e| AppError::Other(format!("random token: {e}")))?;
    Ok(hex::encode(raw))
}

/// SHA-256 hex of a secret token (reset tokens, staff API tokens, recovery codes: only their
/// hashes are stored).
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
