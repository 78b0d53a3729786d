//! Run one SQL statement on whichever backend is configured.
//!
//! Each macro expands to a `match` with one arm per backend; the statement text and the binds are
//! written once. Reads go to the SQLite read pool; writes go through a [`crate::Tx`].

/// `fetch_all` of `$row` rows on the read side of `$db` (a `&Db`).
macro_rules! read_all {
    ($db:expr, $row:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $db {
            $crate::Db::Sqlite(s) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_all(&s.read).await,
            $crate::Db::Postgres(p) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_all(p).await,
        }
    };
}

/// `fetch_optional` of a `$row` on the read side of `$db`.
macro_rules! read_optional {
    ($db:expr, $row:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $db {
            $crate::Db::Sqlite(s) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_optional(&s.read).await,
            $crate::Db::Postgres(p) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_optional(p).await,
        }
    };
}

/// `fetch_one` of a scalar `$ty` on the read side of `$db`.
macro_rules! read_scalar {
    ($db:expr, $ty:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $db {
            $crate::Db::Sqlite(s) => sqlx::query_scalar::<_, $ty>($sql)$(.bind($bind))*.fetch_one(&s.read).await,
            $crate::Db::Postgres(p) => sqlx::query_scalar::<_, $ty>($sql)$(.bind($bind))*.fetch_one(p).await,
        }
    };
}

/// Executes a statement inside `$tx` (a `&mut Tx`), returning the affected row count.
macro_rules! tx_execute {
    ($tx:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $tx {
            $crate::Tx::Sqlite(t) => sqlx::query($sql)$(.bind($bind))*.execute(&mut **t).await.map(|r| r.rows_affected()),
            $crate::Tx::Postgres(t) => sqlx::query($sql)$(.bind($bind))*.execute(&mut **t).await.map(|r| r.rows_affected()),
        }
    };
}

/// `fetch_one` of a scalar `$ty` inside `$tx` (e.g. `INSERT … RETURNING id`).
macro_rules! tx_scalar {
    ($tx:expr, $ty:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $tx {
            $crate::Tx::Sqlite(t) => sqlx::query_scalar::<_, $ty>($sql)$(.bind($bind))*.fetch_one(&mut **t).await,
            $crate::Tx::Postgres(t) => sqlx::query_scalar::<_, $ty>($sql)$(.bind($bind))*.fetch_one(&mut **t).await,
        }
    };
}

/// `fetch_optional` of a scalar `$ty` inside `$tx`.
macro_rules! tx_scalar_optional {
    ($tx:expr, $ty:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $tx {
            $crate::Tx::Sqlite(t) => sqlx::query_scalar::<_, $ty>($sql)$(.bind($bind))*.fetch_optional(&mut **t).await,
            $crate::Tx::Postgres(t) => sqlx::query_scalar::<_, $ty>($sql)$(.bind($bind))*.fetch_optional(&mut **t).await,
        }
    };
}

/// `fetch_optional` of a `$row` inside `$tx` (reads that must see the transaction's writes or
/// lock rows).
macro_rules! tx_optional {
    ($tx:expr, $row:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $tx {
            $crate::Tx::Sqlite(t) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_optional(&mut **t).await,
            $crate::Tx::Postgres(t) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_optional(&mut **t).await,
        }
    };
}

/// `fetch_all` of `$row` rows inside `$tx`.
macro_rules! tx_all {
    ($tx:expr, $row:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $tx {
            $crate::Tx::Sqlite(t) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_all(&mut **t).await,
            $crate::Tx::Postgres(t) => sqlx::query_as::<_, $row>($sql)$(.bind($bind))*.fetch_all(&mut **t).await,
        }
    };
}

/// Executes a statement on the write side of `$db` outside any explicit transaction (single
/// statements that need no atomicity with others), returning the affected row count.
macro_rules! db_execute {
    ($db:expr, $sql:expr $(, $bind:expr)* $(,)?) => {
        match $db {
            $crate::Db::Sqlite(s) => sqlx::query($sql)$(.bind($bind))*.execute(&s.write).await.map(|r| r.rows_affected()),
            $crate::Db::Postgres(p) => sqlx::query($sql)$(.bind($bind))*.execute(p).await.map(|r| r.rows_affected()),
        }
    };
}

/// One `sqlx` read (`$query` is `query_as::<_, Row>` or `query_scalar::<_, T>`, `$fetch` the
/// fetch method) on a [`crate::Reader`]: the pool's read side or an open transaction.
macro_rules! reader_fetch {
    ($reader:expr, $query:ident::<$ty:ty>, $fetch:ident, $sql:expr $(, $bind:expr)*) => {
        match Into::<$crate::Reader<'_>>::into($reader) {
            $crate::Reader::Db($crate::Db::Sqlite(s)) => sqlx::$query::<_, $ty>($sql)$(.bind($bind))*.$fetch(&s.read).await,
            $crate::Reader::Db($crate::Db::Postgres(p)) => sqlx::$query::<_, $ty>($sql)$(.bind($bind))*.$fetch(p).await,
            $crate::Reader::Tx($crate::Tx::Sqlite(t)) => sqlx::$query::<_, $ty>($sql)$(.bind($bind))*.$fetch(&mut **t).await,
            $crate::Reader::Tx($crate::Tx::Postgres(t)) => sqlx::$query::<_, $ty>($sql)$(.bind($bind))*.$fetch(&mut **t).await,
        }
    };
}

/// `fetch_all` of `$row` rows on a [`crate::Reader`].
macro_rules! reader_all {
    ($reader:expr, $row:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        reader_fetch!($reader, query_as::<$row>, fetch_all, $sql $(, $bind)*)
    };
}

/// `fetch_optional` of a `$row` on a [`crate::Reader`].
macro_rules! reader_optional {
    ($reader:expr, $row:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        reader_fetch!($reader, query_as::<$row>, fetch_optional, $sql $(, $bind)*)
    };
}

/// `fetch_one` of a scalar `$ty` on a [`crate::Reader`].
macro_rules! reader_scalar {
    ($reader:expr, $ty:ty, $sql:expr $(, $bind:expr)* $(,)?) => {
        reader_fetch!($reader, query_scalar::<$ty>, fetch_one, $sql $(, $bind)*)
    };
}
