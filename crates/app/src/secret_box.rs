//! Secrets at rest (TOTP seeds, deposit-notice secrets, the unsubscribe signing key) sealed with
//! AES-256-GCM under the shop's key, which comes from configuration or a private key file.

use crate::{AppError, AppResult};
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hmac;
use base64::Engine;
use std::path::Path;

/// Encrypts secrets at rest with AES-256-GCM (random 96-bit nonce per value).
pub struct SecretBox {
    key: LessSafeKey,
    /// HMAC key derived from the shop key, for lookups of values never stored in clear.
    hash_key: hmac::Key,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    /// From the configured key, or the key file in `data_dir` (created on first use).
    pub fn load(configured: Option<&str>, data_dir: &Path) -> AppResult<Self> {
        let engine = base64::engine::general_purpose::STANDARD;
        let raw = match configured {
            Some(k) => engine
                .decode(k.trim())
                .map_err(|_| AppError::Invalid("admin.secret_key is not base64".into()))?,
            None => {
                let path = data_dir.join("secret.key");
                match std::fs::read_to_string(&path) {
                    Ok(text) => engine.decode(text.trim()).map_err(|_| {
                        AppError::Invalid(format!("{} is not a base64 key", path.display()))
                    })?,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        let mut key = [0u8; 32];
                        getrandom::fill(&mut key)
                            .map_err(|e| AppError::Other(format!("random key: {e}")))?;
                        write_private(&path, &engine.encode(key))?;
                        tracing::info!(path = %path.display(), "created the secret key file");
                        key.to_vec()
                    }
                    Err(e) => {
                        return Err(AppError::Other(format!("reading {}: {e}", path.display())));
                    }
                }
            }
        };
        if raw.len() != 32 {
            return Err(AppError::Invalid(
                "admin.secret_key must be 32 bytes (base64)".into(),
            ));
        }
        let key = UnboundKey::new(&AES_256_GCM, &raw)
            .map_err(|_| AppError::Other("secret key rejected".into()))?;
        let derive = hmac::Key::new(hmac::HMAC_SHA256, &raw);
        let hash_key = hmac::Key::new(
            hmac::HMAC_SHA256,
            hmac::sign(&derive, b"jangteo keyed hash v1").as_ref(),
        );
        Ok(Self {
            key: LessSafeKey::new(key),
            hash_key,
        })
    }

    /// `v1.` + base64(nonce ‖ ciphertext ‖ tag).
    pub fn seal(&self, plain: &[u8], context: &str) -> AppResult<String> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| AppError::Other(format!("nonce: {e}")))?;
        let mut data = plain.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(context.as_bytes()),
                &mut data,
            )
            .map_err(|_| AppError::Other("encryption failed".into()))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&data);
        Ok(format!(
            "v1.{}",
            base64::engine::general_purpose::STANDARD.encode(out)
        ))
    }

    /// A keyed hash of `value` (hex HMAC-SHA256 under a key derived from the shop key): equal
    /// values match, and nobody without the key can test a guess against it.
    pub fn keyed_hash(&self, context: &str, value: &str) -> String {
        let mut message = Vec::with_capacity(context.len() + 1 + value.len());
        message.extend_from_slice(context.as_bytes());
        message.push(0);
        message.extend_from_slice(value.as_bytes());
        hmac::sign(&self.hash_key, &message)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Reverses [`SecretBox::seal`]; fails for another key, another context or a changed value.
    pub fn open(&self, sealed: &str, context: &str) -> AppResult<Vec<u8>> {
        let bad = || {
            AppError::Other("stored secret cannot be decrypted (wrong admin.secret_key?)".into())
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(sealed.strip_prefix("v1.").ok_or_else(bad)?)
            .map_err(|_| bad())?;
        if raw.len() < NONCE_LEN {
            return Err(bad());
        }
        let (nonce, rest) = raw.split_at(NONCE_LEN);
        let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| bad())?;
        let mut data = rest.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(context.as_bytes()), &mut data)
            .map_err(|_| bad())?;
        Ok(plain.to_vec())
    }
}

fn write_private(path: &Path, text: &str) -> AppResult<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| AppError::Other(format!("creating {}: {e}", dir.display())))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| AppError::Other(format!("creating {}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| AppError::Other(format!("writing {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_their_key_and_context() {
        let dir = std::env::temp_dir().join(format!("jangteo-secretbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let a = SecretBox::load(None, &dir).unwrap();
        let again = SecretBox::load(None, &dir).unwrap();
        let sealed = a.seal(b"seed", "totp:1").unwrap();
        assert_ne!(
            a.seal(b"seed", "totp:1").unwrap(),
            sealed,
            "fresh nonce each time"
        );
        assert_eq!(
            again.open(&sealed, "totp:1").unwrap(),
            b"seed",
            "key file reused"
        );
        assert!(a.open(&sealed, "totp:2").is_err(), "bound to its account");
        let other = SecretBox::load(
            Some(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])),
            &dir,
        )
        .unwrap();
        assert!(other.open(&sealed, "totp:1").is_err());
        let hash = a.keyed_hash("pin", "1234567890123456");
        assert_eq!(hash, again.keyed_hash("pin", "1234567890123456"));
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, a.keyed_hash("serial", "1234567890123456"));
        assert_ne!(hash, other.keyed_hash("pin", "1234567890123456"));
        assert!(
            SecretBox::load(Some("c2hvcnQ="), &dir).is_err(),
            "short key refused"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
