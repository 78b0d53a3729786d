//! A product's option groups and the SKUs that stand for their combinations.

use crate::error::Context;
use crate::{DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::ProductId;
use std::collections::HashMap;

/// An option group to set: its name and values in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionGroupInput {
    /// Group name.
    pub name: String,
    /// Values in display order.
    pub values: Vec<String>,
}

/// What replacing a product's options did to its SKUs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionsOutcome {
    /// SKUs kept for a combination that still exists.
    pub kept: usize,
    /// Codes of the SKUs created for new combinations (stock 0).
    pub created: Vec<String>,
    /// Codes of the SKUs taken off sale (their combination is gone; kept for orders and stock).
    pub deactivated: Vec<String>,
}

/// A product's SKUs (id, code, active), and the SKU standing for each combination of option
/// value names: only SKUs linked to a value of every group stand for one, active ones first.
async fn existing_combinations(
    tx: &mut Tx,
    pid: i64,
) -> DbResult<(Vec<(i64, String, bool)>, HashMap<Vec<String>, i64>)> {
    let old_group_count = tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM option_groups WHERE product_id = $1",
        pid
    )
    .context("counting option groups")?;
    let skus = tx_all!(
        tx,
        (i64, String, bool),
        "SELECT id, code, is_active FROM skus WHERE product_id = $1 ORDER BY position, id",
        pid
    )
    .context("loading SKUs")?;
    let links = tx_all!(
        tx,
        (i64, String),
        "SELECT so.sku_id, v.value FROM sku_option_values so
         JOIN option_values v ON v.id = so.option_value_id
         JOIN option_groups g ON g.id = v.group_id
         WHERE g.product_id = $1 ORDER BY so.sku_id, g.position, g.id",
        pid
    )
    .context("loading SKU options")?;
    let mut names_of: HashMap<i64, Vec<String>> = HashMap::new();
    for (sku, value) in links {
        names_of.entry(sku).or_default().push(value);
    }
    // Only SKUs linked to a value of every group stand for a combination; active ones first.
    let mut by_names: HashMap<Vec<String>, i64> = HashMap::new();
    for (id, _, _) in skus
        .iter()
        .filter(|s| s.2)
        .chain(skus.iter().filter(|s| !s.2))
    {
        let names = names_of.remove(id).unwrap_or_default();
        if names.len() as i64 == old_group_count {
            by_names.entry(names).or_insert(*id);
        }
    }
    Ok((skus, by_names))
}

/// Whether an order line or a cart line points at the SKU.
async fn sku_in_use(tx: &mut Tx, id: i64) -> DbResult<bool> {
    let uses = tx_scalar!(
        tx,
        i64,
        "SELECT (SELECT COUNT(*) FROM order_lines WHERE sku_id = $1)
              + (SELECT COUNT(*) FROM cart_items WHERE sku_id = $1)",
        id
    )
    .context("checking SKU use")?;
    Ok(uses > 0)
}

/// Moves a kept SKU to its combination's position.
async fn move_sku(tx: &mut Tx, id: i64, position: usize, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE skus SET position = $2, updated_at = $3 WHERE id = $1",
        id,
        position as i64,
        now
    )
    .context("reordering SKU")?;
    Ok(())
}

/// A new SKU for a new combination: the first free code, no stock, no extra price.
async fn new_sku(
    tx: &mut Tx,
    pid: i64,
    code_prefix: &str,
    position: usize,
    now: DateTime<Utc>,
) -> DbResult<(i64, String)> {
    let code = free_code(tx, code_prefix).await?;
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO skus (product_id, code, extra_price, stock, is_active, position, created_at, updated_at)
         VALUES ($1, $2, 0, 0, TRUE, $3, $4, $4) RETURNING id",
        pid,
        &code,
        position as i64,
        now
    )
    .context("inserting SKU")?;
    Ok((id, code))
}

/// Replaces a product's option groups with `groups` and makes one SKU per combination
/// (`combinations`: value indexes per group, in order). A SKU whose combination of value names
/// survives keeps its id, code, stock and price; new combinations get new SKUs coded
/// `{code_prefix}-N` with no stock (when the product had no options, its one SKU becomes the
/// first combination's unless an order or a cart points at it); SKUs whose combination is gone
/// are deactivated, never deleted (orders and the stock ledger point at them).
pub async fn replace_options(
    tx: &mut Tx,
    product: ProductId,
    groups: &[OptionGroupInput],
    combinations: &[Vec<usize>],
    code_prefix: &str,
    now: DateTime<Utc>,
) -> DbResult<OptionsOutcome> {
    let pid = product.get();
    let (skus, mut by_names) = existing_combinations(tx, pid).await?;
    // Options added to a product without any: its one SKU becomes the first option's, unless
    // an order or a cart points at it (then it stays, off sale, for them).
    let mut adoptable = match by_names.remove(&Vec::new()) {
        Some(id) if !groups.is_empty() && !sku_in_use(tx, id).await? => Some(id),
        _ => None,
    };
    tx_execute!(tx, "DELETE FROM option_groups WHERE product_id = $1", pid)
        .context("removing option groups")?;
    let named: Vec<(&str, Vec<&str>)> = groups
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.values.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let value_ids = crate::catalog::products::insert_option_groups(tx, pid, &named).await?;

    let mut outcome = OptionsOutcome::default();
    let mut used = Vec::new();
    for (position, combination) in combinations.iter().enumerate() {
        let names: Vec<String> = combination
            .iter()
            .enumerate()
            .map(|(gi, vi)| groups[gi].values[*vi].clone())
            .collect();
        let sku_id = match by_names.remove(&names).or_else(|| adoptable.take()) {
            Some(id) => {
                move_sku(tx, id, position, now).await?;
                outcome.kept += 1;
                id
            }
            None => {
                let (id, code) = new_sku(tx, pid, code_prefix, position, now).await?;
                outcome.created.push(code);
                id
            }
        };
        used.push(sku_id);
        for (gi, vi) in combination.iter().enumerate() {
            tx_execute!(
                tx,
                "INSERT INTO sku_option_values (sku_id, option_value_id) VALUES ($1, $2)",
                sku_id,
                value_ids[gi][*vi]
            )
            .context("linking SKU to option value")?;
        }
    }
    for (id, code, active) in &skus {
        if *active && !used.contains(id) {
            tx_execute!(
                tx,
                "UPDATE skus SET is_active = FALSE, updated_at = $2 WHERE id = $1",
                id,
                now
            )
            .context("deactivating SKU")?;
            outcome.deactivated.push(code.clone());
        }
    }
    Ok(outcome)
}

/// The first free SKU code `{prefix}-N` (N from 1).
async fn free_code(tx: &mut Tx, prefix: &str) -> DbResult<String> {
    for n in 1..10_000 {
        let code = format!("{prefix}-{n}");
        let taken = tx_scalar!(tx, i64, "SELECT COUNT(*) FROM skus WHERE code = $1", &code)
            .context("checking SKU code")?;
        if taken == 0 {
            return Ok(code);
        }
    }
    Err(crate::error::DbError::Inconsistent(format!(
        "no free SKU code for {prefix}"
    )))
}
