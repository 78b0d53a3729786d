//! Login throttling that slows the attacker, not the account's owner: failures from places the
//! account has never logged in from share one allowance per account (and one per IP), while a
//! device or address that logged in successfully before keeps an allowance of its own.

/// Failure limits within the throttling window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginLimits {
    /// Failures per account from unknown places, and per known place.
    pub per_account: i64,
    /// Failures per IP address across accounts (unknown places only).
    pub per_ip: i64,
}

/// Where an attempt comes from, as far as the account knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginOrigin {
    /// A device or address that logged in to this account before.
    Known,
    /// Anywhere else.
    Unknown,
}

/// Recent failures (after the last success) in each counter an attempt is judged by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecentFailures {
    /// The account's failures from unknown places.
    pub account: i64,
    /// The known place's own failures (0 for an unknown place).
    pub origin: i64,
    /// The IP address's failures across accounts.
    pub ip: i64,
}

/// Whether an attempt is refused before the password is even checked (a refused attempt does not
/// count: the owner's allowance is not used up by the attacker's refused tries).
pub fn is_throttled(origin: LoginOrigin, failures: RecentFailures, limits: LoginLimits) -> bool {
    match origin {
        LoginOrigin::Known => failures.origin >= limits.per_account,
        LoginOrigin::Unknown => {
            failures.account >= limits.per_account || failures.ip >= limits.per_ip
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: LoginLimits = LoginLimits {
        per_account: 5,
        per_ip: 30,
    };

    #[test]
    fn an_attacker_locking_the_account_does_not_lock_a_known_place() {
        let attacked = RecentFailures {
            account: 500,
            origin: 0,
            ip: 0,
        };
        assert!(is_throttled(LoginOrigin::Unknown, attacked, LIMITS));
        assert!(!is_throttled(LoginOrigin::Known, attacked, LIMITS));
    }

    #[test]
    fn a_known_place_has_its_own_allowance() {
        let typos = RecentFailures {
            account: 0,
            origin: 4,
            ip: 100,
        };
        assert!(!is_throttled(LoginOrigin::Known, typos, LIMITS));
        let guessing = RecentFailures { origin: 5, ..typos };
        assert!(is_throttled(LoginOrigin::Known, guessing, LIMITS));
    }

    #[test]
    fn unknown_places_are_limited_per_account_and_per_ip() {
        let fresh = RecentFailures::default();
        assert!(!is_throttled(LoginOrigin::Unknown, fresh, LIMITS));
        let spraying = RecentFailures { ip: 30, ..fresh };
        assert!(is_throttled(LoginOrigin::Unknown, spraying, LIMITS));
        let account = RecentFailures {
            account: 5,
            ..fresh
        };
        assert!(is_throttled(LoginOrigin::Unknown, account, LIMITS));
    }
}
