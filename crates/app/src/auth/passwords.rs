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

use crate::{AppError, AppResult};
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

type HashJob = Box<dyn FnOnce() + Send>;

/// Runs `work` on one of a few long-lived hashing threads and waits for its result. Argon2 takes
/// 19 MiB and tens of milliseconds of a core per call: a small fixed set of threads (one per
/// core) queues bursts of logins instead of exhausting memory or starving requests, and keeps the
/// freed buffers in a few allocator arenas instead of one per blocking thread (measured: 16
/// simultaneous sign-ups grew the process from 39 MiB to 240 MiB on tokio's blocking pool).
pub(crate) async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> AppResult<T> {
    static QUEUE: std::sync::OnceLock<std::sync::mpsc::Sender<HashJob>> =
        std::sync::OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<HashJob>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let threads = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || {
                    loop {
                        let job = match rx.lock() {
                            Ok(guard) => guard.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        tx
    });
    let (reply, result) = tokio::sync::oneshot::channel();
    queue
        .send(Box::new(move || {
            let _ = reply.send(work());
        }))
        .map_err(|e| AppError::Task(e.to_string()))?;
    result.await.map_err(|e| AppError::Task(e.to_string()))
}

/// Verifies a password against a PHC hash off the async threads (argon2 is deliberately slow).
pub async fn verify_password(password: String, hash: String) -> AppResult<bool> {
    on_hashing_thread(move || verify(&password, &hash)).await
}

/// Argon2id hash of a password in PHC format (on a blocking thread: it is deliberately slow).
pub async fn hash_password(password: String) -> AppResult<String> {
    on_hashing_thread(move || hash(&password))
        .await?
        .map_err(AppError::Other)
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
