//! Jangteo's domain core: types, rules and state machines, with no I/O, no async and no SQL.

pub mod birthday;
pub mod carrier;
pub mod cash_receipt;
pub mod catalog;
pub mod claims;
pub mod coupons;
pub mod digital;
pub mod gateway;
pub mod gift_limits;
pub mod grades;
pub mod identity;
pub mod ids;
pub mod legal;
pub mod login;
pub mod loyalty;
pub mod member;
pub mod money;
pub mod notify;
pub mod order;
pub mod paging;
pub mod payment;
pub mod pins;
pub mod points_expiry;
pub mod pricing;
pub mod product_notice;
pub mod refund;
pub mod refund_account;
pub mod reviews;
pub mod search;
pub mod social;
pub mod staff;
pub mod stats;
pub mod text;
pub mod time;

pub use money::Won;
