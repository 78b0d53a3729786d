//! The fake's own reading of NICE's crypto (§13.2 table 2.4), written apart from the shop's
//! adapter so that one cannot hide the other's mistake.

use aws_lc_rs::cipher::{
    AES_128, DecryptionContext, EncryptionContext, PaddedBlockDecryptingKey,
    PaddedBlockEncryptingKey, UnboundCipherKey,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::Digest;

/// What one token's key material is.
pub(crate) struct Material {
    key: [u8; 16],
    iv: [u8; 16],
    hmac_key: [u8; 32],
}

/// rk = base64(SHA-256(req_dtim + req_no + token_val)); key = its first 16 characters, IV its
/// last 16, HMAC key its first 32.
pub(crate) fn material(req_dtim: &str, req_no: &str, token_val: &str) -> Material {
    let digest = sha2::Sha256::digest(format!("{req_dtim}{req_no}{token_val}").as_bytes());
    let rk = STANDARD.encode(digest);
    let chars = rk.as_bytes();
    let mut m = Material {
        key: [0; 16],
        iv: [0; 16],
        hmac_key: [0; 32],
    };
    m.key.copy_from_slice(&chars[0..16]);
    m.iv.copy_from_slice(&chars[chars.len() - 16..]);
    m.hmac_key.copy_from_slice(&chars[0..32]);
    m
}

/// base64(HMAC-SHA256(hmac key, enc_data)).
pub(crate) fn integrity_of(m: &Material, enc_data: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&m.hmac_key).expect("any key");
    mac.update(enc_data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// base64(AES-128-CBC-PKCS7(plain)).
pub(crate) fn encrypt(m: &Material, plain: &str) -> String {
    let key = UnboundCipherKey::new(&AES_128, &m.key).expect("key");
    let key = PaddedBlockEncryptingKey::cbc_pkcs7(key).expect("cbc");
    let mut data = plain.as_bytes().to_vec();
    key.less_safe_encrypt(&mut data, EncryptionContext::Iv128(m.iv.into()))
        .expect("encrypt");
    STANDARD.encode(data)
}

/// The plain text of `enc_data`, when it decrypts.
pub(crate) fn decrypt(m: &Material, enc_data: &str) -> Option<String> {
    let key = UnboundCipherKey::new(&AES_128, &m.key).ok()?;
    let key = PaddedBlockDecryptingKey::cbc_pkcs7(key).ok()?;
    let mut data = STANDARD.decode(enc_data).ok()?;
    let plain = key
        .decrypt(&mut data, DecryptionContext::Iv128(m.iv.into()))
        .ok()?;
    String::from_utf8(plain.to_vec()).ok()
}
