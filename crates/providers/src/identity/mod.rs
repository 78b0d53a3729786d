//! Identity verification (본인인증, docs/PROVIDERS.md §13): the buyer proves who they are in the
//! provider's window; the shop then asks the provider, server to server, what was verified — the
//! browser's word is never taken. Adapters: PortOne V2 `identity-verifications` ([`portone`])
//! and NICE's CheckPlus window ([`nice`]); the demo shop's own window ([`demo`]) checks nobody.

pub mod demo;
pub mod nice;
pub mod portone;

use chrono::NaiveDate;
use futures::future::BoxFuture;

/// The person a provider verified.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedPerson {
    /// Name as registered with the carrier.
    pub name: String,
    /// Birth date (PortOne V2 always gives it; a verification without one cannot prove age).
    pub birth_date: Option<NaiveDate>,
    /// Mobile number, digits only (some contracts leave it out).
    pub mobile: Option<String>,
    /// 연계정보 (CI): the same for one person at every shop; stored only as a keyed hash.
    pub ci: Option<String>,
    /// Test channel (no real person was checked).
    pub test_channel: bool,
}

impl std::fmt::Debug for VerifiedPerson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of logs.
        f.debug_struct("VerifiedPerson")
            .field("birth_date", &self.birth_date.map(|_| "***"))
            .field("ci", &self.ci.as_ref().map(|_| "***"))
            .field("test_channel", &self.test_channel)
            .finish_non_exhaustive()
    }
}

/// Where a verification stands at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// Verified: who it was.
    Verified(VerifiedPerson),
    /// Started, not finished (the window is still open, or was left).
    Pending,
    /// Failed at the provider, with its reason.
    Failed(String),
}

/// Why a provider could not answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// No such verification at the provider.
    #[error("{provider}: no such identity verification")]
    NotFound {
        /// Provider.
        provider: &'static str,
    },
    /// The provider refused the request (bad credentials, wrong store…).
    #[error("{provider} refused: {code} {message}")]
    Rejected {
        /// Provider.
        provider: &'static str,
        /// Its error type.
        code: String,
        /// Its message.
        message: String,
    },
    /// Unreachable, timed out, or an answer the adapter cannot read.
    #[error("{provider} unavailable: {message}")]
    Unavailable {
        /// Provider.
        provider: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// How the buyer's browser opens the provider's window for one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum IdentityWindow {
    /// From a page of ours: load `sdk_url`, then call
    /// `PortOne.requestIdentityVerification(params)`; the window comes back to the return
    /// address with `identityVerificationId` (and `code`, `message` when it failed).
    PortOneSdk {
        /// The provider's browser SDK.
        sdk_url: String,
        /// The call's parameters.
        params: serde_json::Value,
        /// Origins the page must let load script and frames.
        origins: Vec<String>,
    },
    /// A form the browser posts to the provider's window (NICE, KCB); the window comes back to
    /// the return address with the sealed result in the query.
    FormPost {
        /// The window's address.
        action: String,
        /// Hidden fields.
        fields: Vec<(String, String)>,
    },
}

/// An attempt opened at the provider.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityOpening {
    /// How the browser opens the window.
    pub window: IdentityWindow,
    /// What the shop must keep, secret, to read the answer (NICE's key material).
    pub state: Option<String>,
}

/// A 본인인증 provider.
pub trait IdentityVerifier: Send + Sync {
    /// Stored name of the provider.
    fn name(&self) -> &'static str;

    /// Opens attempt `id` (the id the shop generated), its window coming back to `return_url`
    /// (absolute).
    fn start<'a>(
        &'a self,
        id: &'a str,
        return_url: &'a str,
    ) -> BoxFuture<'a, Result<IdentityOpening, IdentityError>>;

    /// What the provider verified under `id`, given what was kept when it opened (`state`)
    /// and what the window brought back (`returned`, never trusted without the provider's
    /// seal or its API).
    fn finish<'a>(
        &'a self,
        id: &'a str,
        state: Option<&'a str>,
        returned: &'a [(String, String)],
    ) -> BoxFuture<'a, Result<Verification, IdentityError>>;
}
