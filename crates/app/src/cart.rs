//! The cart: guest lines live in the session (the web layer keeps them), members' lines in the
//! database. Every view is recomputed from current data; changes since a line was added are
//! reported to the shopper, never applied silently.

use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::catalog::Price;
use jangteo_core::digital::{Contents, ProductKind};
use jangteo_db::carts;
use jangteo_db::catalog::stock::{self, SkuSnapshotRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Most units of one SKU in one cart line.
pub const MAX_LINE_QUANTITY: i64 = 99;

/// A cart line as kept (guest session or member table).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    /// SKU.
    pub sku_id: i64,
    /// Units.
    pub quantity: i64,
    /// Unit price when added (a later change is shown).
    pub seen_unit_price: i64,
}

/// Whose cart.
#[derive(Debug)]
pub enum CartOwner<'a> {
    /// A member's stored cart.
    Member(i64),
    /// A guest's lines (kept in the session by the caller).
    Guest(&'a mut Vec<CartLine>),
}

/// Something the shopper must know about a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CartProblem {
    /// The price changed since the line was added.
    PriceChanged {
        /// Then.
        from: i64,
        /// Now.
        to: i64,
    },
    /// No stock left.
    SoldOut,
    /// The product is no longer sold.
    Unavailable,
    /// Fewer units are left than the line asks; the order takes `to`.
    QuantityReduced {
        /// Units that can be ordered.
        to: i64,
    },
    /// The owner allows at most `max` units of the product per order (all its options together);
    /// the order takes `to` of this line.
    OverOrderLimit {
        /// The product's limit.
        max: i64,
        /// Units of this line that fit.
        to: i64,
    },
}

/// A line as priced now.
#[derive(Debug, Clone, Serialize)]
pub struct CartLineView {
    /// SKU.
    pub sku_id: i64,
    /// SKU code.
    pub sku_code: String,
    /// Product.
    pub product_id: i64,
    /// Product name.
    pub product_name: String,
    /// Product slug.
    pub product_slug: String,
    /// Category (for coupon scopes).
    pub category_id: i64,
    /// "블랙 / M".
    pub option_label: String,
    /// First image hash.
    pub thumb_hash: Option<String>,
    /// What one unit costs now.
    pub unit_price: i64,
    /// List price of one unit (before the sale price).
    pub list_price: i64,
    /// Units asked for.
    pub quantity: i64,
    /// Units that will be ordered (0 for unorderable lines).
    pub order_quantity: i64,
    /// `unit_price × order_quantity`.
    pub line_total: i64,
    /// Units in stock.
    pub stock: i64,
    /// Most units that can be ordered.
    pub max_quantity: i64,
    /// Shipping profile (`None`: the default).
    pub shipping_profile_id: Option<i64>,
    /// What changed.
    pub problems: Vec<CartProblem>,
    /// Whether the line is ordered at checkout.
    pub orderable: bool,
    /// Tax-free goods (면세).
    pub is_tax_free: bool,
    /// The product's most units per order.
    #[serde(skip)]
    pub max_per_order: Option<i64>,
    /// What the product sells (gift-card codes are bought on their own and do not ship).
    pub kind: ProductKind,
    /// Sold to verified adults only (19세 이상).
    pub adult_only: bool,
}

/// Joins the option values of each SKU into labels.
pub(crate) async fn sku_labels(app: &App, ids: &[i64]) -> AppResult<HashMap<i64, String>> {
    let mut labels: HashMap<i64, String> = HashMap::new();
    for part in stock::labels(&app.db, ids).await? {
        let label = labels.entry(part.sku_id).or_default();
        if !label.is_empty() {
            label.push_str(" / ");
        }
        label.push_str(&part.value);
    }
    Ok(labels)
}

/// The unit price of a SKU now.
pub(crate) fn unit_prices(s: &SkuSnapshotRow) -> (i64, i64) {
    let price = Price {
        list: Won(s.price),
        sale: s.sale_price.map(Won),
    }
    .plus_extra(Won(s.extra_price));
    (price.effective().get(), price.list.get())
}

fn sellable(s: &SkuSnapshotRow) -> bool {
    s.sku_active && s.display_state != "hidden"
}

/// A cart line whose SKU was deleted: it stays, marked, so the shopper sees it went.
fn gone_line_view(line: &CartLine) -> CartLineView {
    CartLineView {
        sku_id: line.sku_id,
        sku_code: String::new(),
        product_id: 0,
        product_name: String::new(),
        product_slug: String::new(),
        category_id: 0,
        option_label: String::new(),
        thumb_hash: None,
        unit_price: line.seen_unit_price,
        list_price: line.seen_unit_price,
        quantity: line.quantity,
        order_quantity: 0,
        line_total: 0,
        stock: 0,
        max_quantity: 1,
        shipping_profile_id: None,
        problems: vec![CartProblem::Unavailable],
        orderable: false,
        is_tax_free: false,
        max_per_order: None,
        kind: ProductKind::Goods,
        adult_only: false,
    }
}

/// A cart line priced now, with what changed since the shopper saw it (off sale, sold out, a
/// new price, fewer units in stock).
fn line_view(line: &CartLine, s: &SkuSnapshotRow, option_label: String) -> CartLineView {
    let (unit, list) = unit_prices(s);
    let mut problems = Vec::new();
    let mut orderable = true;
    if !sellable(s) {
        problems.push(CartProblem::Unavailable);
        orderable = false;
    } else if s.stock <= 0 || s.display_state == "sold_out" {
        problems.push(CartProblem::SoldOut);
        orderable = false;
    }
    if unit != line.seen_unit_price {
        problems.push(CartProblem::PriceChanged {
            from: line.seen_unit_price,
            to: unit,
        });
    }
    let order_quantity = if orderable {
        line.quantity.min(s.stock)
    } else {
        0
    };
    if orderable && order_quantity < line.quantity {
        problems.push(CartProblem::QuantityReduced { to: order_quantity });
    }
    CartLineView {
        sku_id: s.sku_id,
        sku_code: s.sku_code.clone(),
        product_id: s.product_id,
        product_name: s.name.clone(),
        product_slug: s.slug.clone(),
        category_id: s.category_id,
        option_label,
        thumb_hash: s.thumb_hash.clone(),
        unit_price: unit,
        list_price: list,
        quantity: line.quantity,
        order_quantity,
        line_total: unit * order_quantity,
        stock: s.stock,
        max_quantity: s.stock.clamp(1, MAX_LINE_QUANTITY),
        shipping_profile_id: s.shipping_profile_id,
        problems,
        orderable,
        is_tax_free: s.is_tax_free,
        max_per_order: s.max_per_order,
        kind: s.product_kind,
        adult_only: s.adult_only,
    }
}

impl App {
    /// The lines of a cart as kept.
    pub async fn cart_lines(&self, owner: &CartOwner<'_>) -> AppResult<Vec<CartLine>> {
        match owner {
            CartOwner::Member(id) => Ok(carts::items(&self.db, *id)
                .await?
                .into_iter()
                .map(|r| CartLine {
                    sku_id: r.sku_id,
                    quantity: r.quantity,
                    seen_unit_price: r.seen_unit_price,
                })
                .collect()),
            CartOwner::Guest(lines) => Ok(lines.to_vec()),
        }
    }

    /// What the lines hold: goods, gift-card codes, or (refused at checkout) both.
    pub async fn cart_contents(&self, lines: &[CartLine]) -> AppResult<Contents> {
        let ids: Vec<i64> = lines.iter().map(|l| l.sku_id).collect();
        let snapshots = stock::snapshots(&self.db, &ids).await?;
        Ok(Contents::of(snapshots.iter().map(|s| s.product_kind)))
    }

    /// Number of lines in a member's cart.
    pub async fn member_cart_count(&self, member_id: i64) -> AppResult<i64> {
        Ok(carts::count(&self.db, member_id).await?)
    }

    /// Adds units of a SKU (summed with a line already there, capped at stock).
    pub async fn add_to_cart(
        &self,
        owner: CartOwner<'_>,
        sku_id: i64,
        quantity: i64,
    ) -> AppResult<()> {
        let snapshot = stock::snapshots(&self.db, &[sku_id]).await?.pop();
        let Some(s) = snapshot.filter(sellable) else {
            return Err(AppError::NotFound);
        };
        if s.stock <= 0 || s.display_state == "sold_out" {
            return Err(AppError::Conflict("sold_out"));
        }
        let (unit, _) = unit_prices(&s);
        let held = self.cart_lines(&owner).await?;
        if !self.cart_contents(&held).await?.may_add(s.product_kind) {
            return Err(AppError::Conflict("gift_cards_alone"));
        }
        let existing = held
            .iter()
            .find(|l| l.sku_id == sku_id)
            .map_or(0, |l| l.quantity);
        let wanted = (existing + quantity.max(1))
            .min(s.stock)
            .min(MAX_LINE_QUANTITY);
        self.put_line(owner, sku_id, wanted, unit, existing == 0)
            .await
    }

    /// Sets a line's quantity (1 or more, capped at stock).
    pub async fn set_cart_quantity(
        &self,
        owner: CartOwner<'_>,
        sku_id: i64,
        quantity: i64,
    ) -> AppResult<()> {
        let snapshot = stock::snapshots(&self.db, &[sku_id]).await?.pop();
        let Some(s) = snapshot else {
            return Err(AppError::NotFound);
        };
        let (unit, _) = unit_prices(&s);
        let wanted = quantity.clamp(1, s.stock.clamp(1, MAX_LINE_QUANTITY));
        // Changing the quantity is the shopper acknowledging the line: take the current price.
        self.put_line(owner, sku_id, wanted, unit, true).await
    }

    async fn put_line(
        &self,
        owner: CartOwner<'_>,
        sku_id: i64,
        quantity: i64,
        unit: i64,
        reprice: bool,
    ) -> AppResult<()> {
        match owner {
            CartOwner::Member(member) => {
                let mut tx = self.db.begin().await?;
                carts::put(&mut tx, member, sku_id, quantity, unit, reprice, self.now()).await?;
                tx.commit().await?;
            }
            CartOwner::Guest(lines) => match lines.iter_mut().find(|l| l.sku_id == sku_id) {
                Some(line) => {
                    line.quantity = quantity;
                    if reprice {
                        line.seen_unit_price = unit;
                    }
                }
                None => lines.push(CartLine {
                    sku_id,
                    quantity,
                    seen_unit_price: unit,
                }),
            },
        }
        Ok(())
    }

    /// Removes a line.
    pub async fn remove_from_cart(&self, owner: CartOwner<'_>, sku_id: i64) -> AppResult<()> {
        match owner {
            CartOwner::Member(member) => {
                let mut tx = self.db.begin().await?;
                carts::remove(&mut tx, member, sku_id).await?;
                tx.commit().await?;
            }
            CartOwner::Guest(lines) => lines.retain(|l| l.sku_id != sku_id),
        }
        Ok(())
    }

    /// Moves a guest's lines into the member's cart at login: quantities summed, capped at stock.
    pub async fn merge_guest_cart(&self, member_id: i64, guest: &[CartLine]) -> AppResult<()> {
        if guest.is_empty() {
            return Ok(());
        }
        let stored = carts::items(&self.db, member_id).await?;
        let ids: Vec<i64> = guest.iter().map(|l| l.sku_id).collect();
        let snapshots: HashMap<i64, SkuSnapshotRow> = stock::snapshots(&self.db, &ids)
            .await?
            .into_iter()
            .map(|s| (s.sku_id, s))
            .collect();
        let now = self.now();
        let mut tx = self.db.begin().await?;
        for line in guest {
            let Some(s) = snapshots.get(&line.sku_id).filter(|s| sellable(s)) else {
                continue;
            };
            let existing = stored.iter().find(|r| r.sku_id == line.sku_id);
            let sum = existing.map_or(0, |r| r.quantity) + line.quantity;
            let quantity = sum.min(s.stock.max(1)).min(MAX_LINE_QUANTITY);
            let seen = existing.map_or(line.seen_unit_price, |r| r.seen_unit_price);
            carts::put(&mut tx, member_id, line.sku_id, quantity, seen, true, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Prices the lines now and reports what changed.
    pub async fn view_cart_lines(&self, lines: &[CartLine]) -> AppResult<Vec<CartLineView>> {
        let ids: Vec<i64> = lines.iter().map(|l| l.sku_id).collect();
        let snapshots: HashMap<i64, SkuSnapshotRow> = stock::snapshots(&self.db, &ids)
            .await?
            .into_iter()
            .map(|s| (s.sku_id, s))
            .collect();
        let labels = sku_labels(self, &ids).await?;
        let mut views = Vec::with_capacity(lines.len());
        for line in lines {
            let label = labels.get(&line.sku_id).cloned().unwrap_or_default();
            views.push(match snapshots.get(&line.sku_id) {
                Some(s) => line_view(line, s, label),
                None => gone_line_view(line),
            });
        }
        apply_order_limits(&mut views);
        Ok(views)
    }

    /// Takes the ordered SKUs out of a member's cart (after payment).
    pub(crate) async fn clear_member_cart_lines(
        &self,
        member_id: i64,
        sku_ids: &[i64],
    ) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        for sku in sku_ids {
            carts::remove(&mut tx, member_id, *sku).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Caps each product at its per-order limit across all its lines (earlier lines first), so two
/// options cannot add up past it.
fn apply_order_limits(views: &mut [CartLineView]) {
    let mut used: HashMap<i64, i64> = HashMap::new();
    for view in views.iter_mut() {
        let Some(max) = view.max_per_order else {
            continue;
        };
        let taken = used.entry(view.product_id).or_insert(0);
        let room = (max - *taken).max(0);
        if view.order_quantity > room {
            view.order_quantity = room;
            view.line_total = view.unit_price * room;
            view.problems
                .push(CartProblem::OverOrderLimit { max, to: room });
            if room == 0 {
                view.orderable = false;
            }
        }
        *taken += view.order_quantity;
    }
}
