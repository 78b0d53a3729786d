//! The outside world behind traits: object storage now; payments, messaging, address search,
//! carriers, marketplaces and logistics join here as their issues land. Each has a built-in
//! adapter for development and configurable base URLs so tests can point real adapters at fakes.

pub mod identity;
pub mod logistics;
pub mod messaging;
pub mod payments;
pub mod storage;
