//! SQL for Korean-aware product search; mirrors `jangteo_core::search::rank` exactly.

use super::products::card_columns;
use crate::SqlBuilder;
use jangteo_core::paging::PageRequest;
use jangteo_core::search::{SearchQuery, contains_pattern, prefix_pattern};

/// Rank given to rows that do not match; filtered out.
const NO_MATCH: &str = "9";

/// `SELECT … FROM (SELECT card columns, rank FROM products) r WHERE rank < 9`: the rank is computed
/// in a subquery because PostgreSQL cannot filter on a select-list alias.
fn ranked(b: &mut SqlBuilder, query: &SearchQuery) {
    b.push(concat!(
        " FROM (SELECT ",
        card_columns!(),
        ", p.popularity AS popularity, "
    ));
    push_rank(b, query);
    b.push(" AS search_rank FROM products p WHERE p.display_state <> 'hidden') r WHERE r.search_rank < ")
        .push(NO_MATCH);
}

fn push_rank(b: &mut SqlBuilder, query: &SearchQuery) {
    match query {
        SearchQuery::Empty => {
            b.push(NO_MATCH);
        }
        SearchQuery::Initials(q) => {
            b.push("CASE WHEN p.search_initials = ")
                .bind_text(q.clone())
                .push(" THEN 0 WHEN p.search_initials LIKE ")
                .bind_text(prefix_pattern(q))
                .push(" THEN 1 WHEN p.search_initials LIKE ")
                .bind_text(contains_pattern(q))
                .push(" THEN 2 ELSE ")
                .push(NO_MATCH)
                .push(" END");
        }
        SearchQuery::Text { joined, tokens } => {
            b.push("CASE WHEN p.search_name = ")
                .bind_text(joined.clone())
                .push(" THEN 0 WHEN p.search_name LIKE ")
                .bind_text(prefix_pattern(joined))
                .push(" THEN 1 WHEN p.search_name LIKE ")
                .bind_text(contains_pattern(joined))
                .push(" THEN 2 WHEN ");
            all_tokens(b, "p.search_name", tokens);
            b.push(" THEN 3 WHEN p.search_text LIKE ")
                .bind_text(contains_pattern(joined))
                .push(" THEN 4 WHEN ");
            all_tokens(b, "p.search_text", tokens);
            b.push(" THEN 5 ELSE ").push(NO_MATCH).push(" END");
        }
    }
}

fn all_tokens(b: &mut SqlBuilder, column: &'static str, tokens: &[String]) {
    b.push("(");
    if tokens.is_empty() {
        b.push("1 = 0");
    }
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            b.push(" AND ");
        }
        b.push(column)
            .push(" LIKE ")
            .bind_text(contains_pattern(token));
    }
    b.push(")");
}

/// Counts matching products.
pub(super) fn count_sql(query: &SearchQuery) -> SqlBuilder {
    let mut b = SqlBuilder::new("SELECT COUNT(*)");
    ranked(&mut b, query);
    b
}

/// One page of matching products, best rank first, then most popular.
pub(super) fn page_sql(query: &SearchQuery, page: PageRequest) -> SqlBuilder {
    let mut b = SqlBuilder::new(
        "SELECT r.id, r.slug, r.name, r.brand, r.price, r.sale_price, r.display_state, r.created_at,
         r.has_stock, r.image_hash, r.adult_only, r.review_count, r.review_star_sum",
    );
    ranked(&mut b, query);
    b.push(" ORDER BY r.search_rank, r.popularity DESC, r.id DESC LIMIT ")
        .bind_int(page.limit())
        .push(" OFFSET ")
        .bind_int(page.offset());
    b
}
