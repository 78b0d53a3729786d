//! Catalog persistence: categories, products, options, SKUs and product images.

pub mod categories;
pub mod product_admin;
pub mod product_lists;
mod product_options;
pub mod product_rows;
pub mod products;
mod search;
pub mod stock;

pub use categories::{CategoryRow, NewCategory};
pub use products::{
    ImageRow, NewOptionGroup, NewProduct, NewSku, OptionGroupRow, OptionValueRow, ProductCardRow,
    ProductFilter, ProductRow, SitemapRow, SkuOptionRow, SkuRow,
};
