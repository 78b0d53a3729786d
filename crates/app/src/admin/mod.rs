//! Back-office use cases: content, members, orders, products, staff and stock, each checked
//! against the acting staff member's role and audited.

pub mod content;
pub mod coupon_codes;
pub mod coupon_report;
pub mod coupons;
pub mod gift_rules;
pub mod grades;
pub mod members;
pub mod order_files;
pub mod orders;
pub mod points;
pub mod products;
pub mod reviews;
pub mod staff;
pub mod stock;
