//! The category tree as the storefront walks it: roots, children, paths and subtrees.

use chrono::{DateTime, Utc};
use jangteo_core::ids::CategoryId;
use jangteo_db::catalog::CategoryRow;
use std::collections::HashMap;

/// A category in the cached tree.
#[derive(Debug, Clone)]
pub struct CategoryNode {
    /// Id.
    pub id: CategoryId,
    /// Parent.
    pub parent_id: Option<CategoryId>,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Children, in order.
    pub children: Vec<CategoryId>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The visible category tree.
#[derive(Debug, Clone, Default)]
pub struct CategoryTree {
    nodes: Vec<CategoryNode>,
    by_id: HashMap<CategoryId, usize>,
    by_slug: HashMap<String, usize>,
    roots: Vec<CategoryId>,
}

impl CategoryTree {
    /// Builds the tree from rows ordered by position; invisible categories and their subtrees
    /// are left out.
    pub fn from_rows(rows: Vec<CategoryRow>) -> Self {
        let visible: HashMap<i64, &CategoryRow> = rows.iter().map(|r| (r.id, r)).collect();
        let is_shown = |row: &CategoryRow| {
            let mut current = Some(row);
            let mut depth = 0;
            while let Some(r) = current {
                if !r.is_visible || depth > 16 {
                    return false;
                }
                current = r.parent_id.and_then(|p| visible.get(&p).copied());
                depth += 1;
            }
            true
        };
        let mut tree = CategoryTree::default();
        for row in rows.iter().filter(|r| is_shown(r)) {
            let idx = tree.nodes.len();
            tree.by_id.insert(CategoryId(row.id), idx);
            tree.by_slug.insert(row.slug.clone(), idx);
            tree.nodes.push(CategoryNode {
                id: CategoryId(row.id),
                parent_id: row.parent_id.map(CategoryId),
                slug: row.slug.clone(),
                name: row.name.clone(),
                children: Vec::new(),
                updated_at: row.updated_at,
            });
        }
        for i in 0..tree.nodes.len() {
            let (id, parent) = (tree.nodes[i].id, tree.nodes[i].parent_id);
            match parent.and_then(|p| tree.by_id.get(&p).copied()) {
                Some(p) => tree.nodes[p].children.push(id),
                None => tree.roots.push(id),
            }
        }
        tree
    }

    /// A category by id.
    pub fn get(&self, id: CategoryId) -> Option<&CategoryNode> {
        self.by_id.get(&id).map(|&i| &self.nodes[i])
    }

    /// A category by slug.
    pub fn by_slug(&self, slug: &str) -> Option<&CategoryNode> {
        self.by_slug.get(slug).map(|&i| &self.nodes[i])
    }

    /// Top-level categories in order.
    pub fn roots(&self) -> impl Iterator<Item = &CategoryNode> {
        self.roots.iter().filter_map(|id| self.get(*id))
    }

    /// Children of a category in order.
    pub fn children(&self, id: CategoryId) -> impl Iterator<Item = &CategoryNode> {
        self.get(id)
            .into_iter()
            .flat_map(|n| n.children.iter())
            .filter_map(|c| self.get(*c))
    }

    /// The path from the root down to `id` (inclusive).
    pub fn path(&self, id: CategoryId) -> Vec<&CategoryNode> {
        let mut path = Vec::new();
        let mut current = self.get(id);
        while let Some(node) = current {
            path.push(node);
            if path.len() > 16 {
                break;
            }
            current = node.parent_id.and_then(|p| self.get(p));
        }
        path.reverse();
        path
    }

    /// `id` and every category below it.
    pub fn subtree_ids(&self, id: CategoryId) -> Vec<CategoryId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(current) = stack.pop() {
            if let Some(node) = self.get(current) {
                out.push(current);
                stack.extend(node.children.iter().rev());
            }
        }
        out
    }

    /// Every visible category.
    pub fn all(&self) -> &[CategoryNode] {
        &self.nodes
    }
}
