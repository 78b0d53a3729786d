//! Who is who: password hashing, secret tokens, login throttling, sessions and the acting staff
//! member.

pub mod login_guard;
pub mod passwords;
pub mod sessions;
pub mod staff_actor;
pub mod tokens;

pub use staff_actor::StaffActor;
