//! Image pipeline: validating uploads, content hashes, WebP thumbnails in fixed sizes, and the
//! generated pictures of the demo catalog. Pure CPU work; callers run it on a blocking thread.

mod demo;
mod thumbnail;

pub use demo::{Motif, demo_banner, demo_image, parse_hex_color};
pub use thumbnail::{MAX_PIXELS, Original, ThumbSize, inspect, thumbnails};

use sha2::{Digest, Sha256};

/// Errors of the image pipeline.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The bytes are not an image we accept (JPEG, PNG, WebP, GIF).
    #[error("unsupported or corrupt image: {0}")]
    Unsupported(String),
    /// The image is larger than we agree to decode (per side or in total pixels).
    #[error("image too large: {width}×{height} pixels")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Encoding the result failed.
    #[error("encoding failed: {0}")]
    Encode(String),
}

/// The public id of a file's content: the first 20 hex digits (80 bits) of its SHA-256.
/// Image URLs carry it, so a changed image gets a new URL and caches may keep old ones forever.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    hex::encode(&digest[..10])
}

/// True for strings that can be a [`content_hash`] (guards storage keys built from URLs).
pub fn is_content_hash(s: &str) -> bool {
    s.len() == 20
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_validated() {
        let h = content_hash(b"jangteo");
        assert_eq!(h.len(), 20);
        assert_eq!(h, content_hash(b"jangteo"));
        assert!(is_content_hash(&h));
        assert!(!is_content_hash("../../etc/passwd...."));
        assert!(!is_content_hash("ABCDEF0123456789ABCD"));
    }
}
