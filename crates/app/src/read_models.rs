//! What the use cases hand to pages and the staff API: stored rows, decoded into core types at the
//! database boundary (statuses, payment methods), and the filters back-office lists take. They
//! are re-exported here so that the web layer depends on the use cases alone, never on the
//! database crate.

pub use jangteo_db::audit::AuditFilter;
pub use jangteo_db::bulk::BulkSendRow;
pub use jangteo_db::catalog::ProductRow;
pub use jangteo_db::catalog::categories::CategoryRow;
pub use jangteo_db::catalog::product_admin::SalePlanRow;
pub use jangteo_db::channel_orders::ChannelOrderRow;
pub use jangteo_db::claims::ClaimRow;
pub use jangteo_db::content::{BannerRow, PostRow};
pub use jangteo_db::inquiries::InquiryRow;
pub use jangteo_db::member_admin::{MemberAdminRow, MemberFilter};
pub use jangteo_db::members::{AddressRow, MemberRow};
pub use jangteo_db::orders::{OrderLineRow, OrderRow};
pub use jangteo_db::payments::PaymentRow;
pub use jangteo_db::promotions::CouponRow;
pub use jangteo_db::refunds::RefundRow;
pub use jangteo_db::staff::StaffRow;
