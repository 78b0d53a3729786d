//! Statements assembled at run time from fixed fragments and numbered placeholders.
//!
//! Only placeholders (`$1`, `$2`, …) and fragments written in this crate enter the SQL text; every
//! value goes through a bind, so user input can never become SQL.

/// A value bound to a dynamic statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bind {
    /// A text value.
    Text(String),
    /// An integer value.
    Int(i64),
    /// A timestamp.
    Time(chrono::DateTime<chrono::Utc>),
}

/// SQL text plus its binds, numbered in the order they are pushed.
#[derive(Debug, Clone, Default)]
pub struct SqlBuilder {
    /// The statement so far.
    pub sql: String,
    /// The values for `$1..$N`.
    pub binds: Vec<Bind>,
}

impl SqlBuilder {
    /// Starts with a fixed fragment.
    pub fn new(fragment: &'static str) -> Self {
        Self {
            sql: fragment.to_owned(),
            binds: Vec::new(),
        }
    }

    /// Starts with fixed text assembled in this crate (e.g. a column list constant).
    pub(crate) fn from_fixed(sql: String) -> Self {
        Self {
            sql,
            binds: Vec::new(),
        }
    }

    /// Appends a fixed fragment.
    pub fn push(&mut self, fragment: &'static str) -> &mut Self {
        self.sql.push_str(fragment);
        self
    }

    /// Appends a placeholder for `value`.
    pub fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        self.sql.push('$');
        self.sql.push_str(&self.binds.len().to_string());
        self
    }

    /// Appends a placeholder for a text value.
    pub fn bind_text(&mut self, value: impl Into<String>) -> &mut Self {
        self.bind(Bind::Text(value.into()))
    }

    /// Appends a placeholder for an integer value.
    pub fn bind_int(&mut self, value: i64) -> &mut Self {
        self.bind(Bind::Int(value))
    }

    /// Appends a placeholder for a timestamp.
    pub fn bind_time(&mut self, value: chrono::DateTime<chrono::Utc>) -> &mut Self {
        self.bind(Bind::Time(value))
    }

    /// Appends `$a, $b, …` for a list of integers (at least one).
    pub fn bind_int_list(&mut self, values: &[i64]) -> &mut Self {
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push_str(", ");
            }
            self.bind_int(*v);
        }
        self
    }
}

/// `%text%` for `LIKE … ESCAPE '\'` with the user's `%`, `_` and `\` taken literally.
pub(crate) fn like_contains(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Runs a [`SqlBuilder`] as `query_as` on the read side of a `&Db`, with `$method` being
/// `fetch_all`/`fetch_one`/`fetch_optional`.
macro_rules! read_dynamic {
    ($db:expr, $row:ty, $built:expr, $method:ident) => {{
        let built: &$crate::SqlBuilder = $built;
        match $db {
            $crate::Db::Sqlite(s) => {
                let mut q = sqlx::query_as::<_, $row>(sqlx::AssertSqlSafe(built.sql.clone()));
                for b in &built.binds {
                    q = match b {
                        $crate::Bind::Text(t) => q.bind(t.clone()),
                        $crate::Bind::Int(i) => q.bind(*i),
                        $crate::Bind::Time(t) => q.bind(*t),
                    };
                }
                q.$method(&s.read).await
            }
            $crate::Db::Postgres(p) => {
                let mut q = sqlx::query_as::<_, $row>(sqlx::AssertSqlSafe(built.sql.clone()));
                for b in &built.binds {
                    q = match b {
                        $crate::Bind::Text(t) => q.bind(t.clone()),
                        $crate::Bind::Int(i) => q.bind(*i),
                        $crate::Bind::Time(t) => q.bind(*t),
                    };
                }
                q.$method(p).await
            }
        }
    }};
}

/// Like [`read_dynamic!`] for a scalar result.
macro_rules! read_dynamic_scalar {
    ($db:expr, $ty:ty, $built:expr) => {{
        let built: &$crate::SqlBuilder = $built;
        match $db {
            $crate::Db::Sqlite(s) => {
                let mut q = sqlx::query_scalar::<_, $ty>(sqlx::AssertSqlSafe(built.sql.clone()));
                for b in &built.binds {
                    q = match b {
                        $crate::Bind::Text(t) => q.bind(t.clone()),
                        $crate::Bind::Int(i) => q.bind(*i),
                        $crate::Bind::Time(t) => q.bind(*t),
                    };
                }
                q.fetch_one(&s.read).await
            }
            $crate::Db::Postgres(p) => {
                let mut q = sqlx::query_scalar::<_, $ty>(sqlx::AssertSqlSafe(built.sql.clone()));
                for b in &built.binds {
                    q = match b {
                        $crate::Bind::Text(t) => q.bind(t.clone()),
                        $crate::Bind::Int(i) => q.bind(*i),
                        $crate::Bind::Time(t) => q.bind(*t),
                    };
                }
                q.fetch_one(p).await
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_placeholders_in_order() {
        let mut b = SqlBuilder::new("SELECT 1 WHERE a = ");
        b.bind_text("x")
            .push(" AND b IN (")
            .bind_int_list(&[1, 2])
            .push(")");
        assert_eq!(b.sql, "SELECT 1 WHERE a = $1 AND b IN ($2, $3)");
        assert_eq!(b.binds.len(), 3);
    }
}
