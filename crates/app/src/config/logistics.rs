//! Logistics partners (`[[logistics.partners]]`): the 3PLs the shop hands orders to, each with
//! its outbound sheet's columns and, optionally, the folder its waybill files arrive in.

use serde::Deserialize;
use std::path::PathBuf;

/// The shop's logistics partners.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogisticsConfig {
    /// Each partner.
    pub partners: Vec<PartnerConfig>,
}

/// One 3PL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnerConfig {
    /// Short id (letters, digits, `-`), used in addresses.
    pub code: String,
    /// The name staff know.
    pub name: String,
    /// The outbound sheet's file: `xlsx` (default) or `csv`.
    #[serde(default = "default_format")]
    pub format: String,
    /// The outbound sheet's columns, `헤더=field` each (fields: order_number, orderer_name,
    /// orderer_mobile, recipient_name, recipient_mobile, postcode, address, address1, address2,
    /// delivery_memo, sku_code, product_name, option, quantity, channel); empty: the usual 11.
    #[serde(default)]
    pub columns: Vec<String>,
    /// A folder the partner drops waybill files into (order number, carrier, waybill per row, as
    /// the bulk waybill sheet); checked every 10 minutes, files done moved to `done/`.
    #[serde(default)]
    pub waybill_dir: Option<PathBuf>,
}

fn default_format() -> String {
    "xlsx".into()
}
