//! Argon2id password hashing with one reused work buffer per hashing thread.
//!
//! `argon2`'s convenience API allocates (and zeroes) a fresh 19 MiB buffer per call; with
//! glibc's allocator the freed buffers were not reused, and the process grew by about 19 MiB per
//! login (measured: 40 → 160 MiB after seven sign-ups, in a plain loop too). Hashing into a
//! buffer each hashing thread keeps for its lifetime bounds that at one buffer per thread.
//! New hashes use OWASP's Argon2id setting of 7 MiB with 5 passes (`m=7168,t=5,p=1`), which the
//! cheat sheet lists as equal in strength to 19 MiB with 2 passes: the same work for an attacker,
//! a third of the memory per hashing thread (measured: 1,000 guest orders held the process at
//! 84 MiB with 19 MiB buffers). Older `m=19456,t=2` hashes still verify, in a buffer of their own
//! that is not kept. The PHC strings are the standard ones, verified with argon2's own parameter
//! parsing and a constant-time comparison.

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;

thread_local! {
    static WORK: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Memory (KiB), passes and lanes of new hashes.
const M_COST: u32 = 7 * 1024;
const T_COST: u32 = 5;
const P_COST: u32 = 1;

fn with_work<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    if blocks > M_COST as usize {
        // A hash made with bigger settings: its buffer goes when it is done.
        return f(&mut vec![Block::default(); blocks]);
    }
    WORK.with(|work| {
        let mut work = work.borrow_mut();
        if work.len() < blocks {
            work.resize(blocks, Block::default());
        }
        f(&mut work[..blocks])
    })
}

/// A PHC string for `password` with the default Argon2id parameters and a random salt.
pub fn hash(password: &str) -> Result<String, String> {
    let params = Params::new(M_COST, T_COST, P_COST, None).map_err(|e| format!("params: {e}"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("salt: {e}"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    with_work(params.block_count(), |work| {
        argon.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, work)
    })
    .map_err(|e| format!("hashing: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| format!("params: {e}"))?,
        salt: Some(Salt::new(&salt).map_err(|e| format!("salt: {e}"))?),
        hash: Some(Output::new(&out).map_err(|e| format!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string (any Argon2 variant and parameters it names).
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
        None => Version::default(),
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let computed = with_work(params.block_count(), |work| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, work)
    });
    // `Output` compares in constant time.
    computed.is_ok() && Output::new(&out).is_ok_and(|o| &o == expected)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_interoperate_with_the_argon2_api() {
        use argon2::password_hash::PasswordHasher;
        let ours = super::hash("secret1234").unwrap();
        assert!(ours.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{ours}");
        assert!(super::verify("secret1234", &ours));
        assert!(!super::verify("secret1235", &ours));
        let theirs: argon2::password_hash::phc::PasswordHash = argon2::Argon2::default()
            .hash_password(b"secret1234")
            .unwrap();
        assert!(super::verify("secret1234", &theirs.to_string()));
        assert!(!super::verify("secret1234", "not a hash"));
    }
}
