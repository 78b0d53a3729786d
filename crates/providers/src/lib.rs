//! The outside world behind traits: object storage now; payments, messaging, address search,
//! carriers, marketplaces and logistics join here as their issues land. Each has a built-in
//! adapter for development and configurable base URLs so tests can point real adapters at fakes.

pub mod channels;
pub mod identity;
pub mod logistics;
pub mod messaging;
pub mod payments;
pub mod social;
pub mod storage;
pub mod webhooks;

/// `base` with these path segments appended, each escaped as a path segment; why not, when the
/// configured base cannot take a path.
pub(crate) fn endpoint(base: &str, segments: &[&str]) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(base).map_err(|e| format!("api_base: {e}"))?;
    url.path_segments_mut()
        .map_err(|()| "api_base cannot take a path".to_owned())?
        .pop_if_empty()
        .extend(segments);
    Ok(url)
}
