//! Integer identifier newtypes, so an order id can never be passed where a product id belongs.

/// Declares an `i64` identifier newtype with the conversions every layer needs.
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw database value.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        // Lets the database layer decode a stored key straight into the newtype.
        impl From<i64> for $name {
            fn from(raw: i64) -> Self {
                Self(raw)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A category in the catalog tree.
    CategoryId
);
id_type!(
    /// A product (what a shopper sees as one item page).
    ProductId
);
id_type!(
    /// A stock-keeping unit: one purchasable combination of a product's options.
    SkuId
);
id_type!(
    /// An option group of a product (e.g. colour).
    OptionGroupId
);
id_type!(
    /// A value inside an option group (e.g. black).
    OptionValueId
);
id_type!(
    /// A stored media file (an original image).
    MediaId
);
id_type!(
    /// A home banner.
    BannerId
);
id_type!(
    /// A CMS page.
    PageId
);
id_type!(
    /// A shop member (customer account).
    MemberId
);
id_type!(
    /// An order (internal key; shoppers see the order number).
    OrderId
);
id_type!(
    /// A staff (back-office) account.
    StaffId
);
