//! Migrations apply to empty databases of both kinds, the two schemas match, and a schema newer
//! than the binary is refused.

use jangteo_db::{Db, DbError};
use jangteo_testkit::{Backend, TestDb, on_both_backends};
use std::collections::BTreeSet;

async fn applies_to_an_empty_database(backend: Backend) {
    let Some(t) = TestDb::empty(backend).await else {
        return;
    };
    let before = t.db.migration_status().await.unwrap();
    assert_eq!(before.applied, 0);
    let after = t.db.migrate().await.unwrap();
    assert_eq!(after.applied, after.known);
    assert!(after.known >= 1);
    // Applying again changes nothing.
    assert_eq!(t.db.migrate().await.unwrap(), after);
    assert!(schema(&t.db).await.len() > 10);
}

async fn refuses_a_newer_schema(backend: Backend) {
    let Some(t) = TestDb::migrated(backend).await else {
        return;
    };
    let future = 29_991_231_000_000_i64;
    let sql = "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
               VALUES ($1, 'from the future', CURRENT_TIMESTAMP, TRUE, $2, 0)";
    match &t.db {
        Db::Sqlite(s) => sqlx::query(sql)
            .bind(future)
            .bind(vec![0u8; 48])
            .execute(&s.write)
            .await
            .map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql)
            .bind(future)
            .bind(vec![0u8; 48])
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
    let err = t.db.migrate().await.unwrap_err();
    assert!(
        matches!(err, DbError::SchemaTooNew { found, .. } if found == future),
        "{err}"
    );
    assert!(err.to_string().contains("newer"));
}

on_both_backends!(applies_to_an_empty_database, refuses_a_newer_schema);

/// `table.column` and `index:name` entries of the migrated schema.
async fn schema(db: &Db) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    match db {
        Db::Sqlite(s) => {
            let tables: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'",
            )
            .fetch_all(&s.read)
            .await
            .unwrap();
            for (table,) in tables {
                let cols: Vec<(String,)> = sqlx::query_as("SELECT name FROM pragma_table_info($1)")
                    .bind(&table)
                    .fetch_all(&s.read)
                    .await
                    .unwrap();
                out.extend(cols.into_iter().map(|(c,)| format!("{table}.{c}")));
            }
            let indexes: Vec<(String,)> = sqlx::query_as(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'",
            )
            .fetch_all(&s.read)
            .await
            .unwrap();
            out.extend(indexes.into_iter().map(|(i,)| format!("index:{i}")));
        }
        Db::Postgres(p) => {
            let cols: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            out.extend(cols.into_iter().map(|(t, c)| format!("{t}.{c}")));
            let indexes: Vec<(String,)> = sqlx::query_as(
                "SELECT indexname::text FROM pg_indexes WHERE schemaname = current_schema()
                 AND indexname NOT LIKE '%_pkey' AND tablename <> '_sqlx_migrations'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            out.extend(indexes.into_iter().map(|(i,)| format!("index:{i}")));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_schemas_have_the_same_tables_columns_and_indexes() {
    let Some(sqlite) = TestDb::migrated(Backend::Sqlite).await else {
        return;
    };
    let Some(postgres) = TestDb::migrated(Backend::Postgres).await else {
        return;
    };
    let a = schema(&sqlite.db).await;
    let b = schema(&postgres.db).await;
    let only_sqlite: Vec<_> = a.difference(&b).collect();
    let only_postgres: Vec<_> = b.difference(&a).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:?}; only in PostgreSQL: {only_postgres:?}"
    );
    assert!(a.contains("products.search_initials"));
}

#[test]
fn migration_files_are_numbered_alike_on_both_backends() {
    let names = |dir: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let root = env!("CARGO_MANIFEST_DIR");
    assert_eq!(
        names(&format!("{root}/migrations/sqlite")),
        names(&format!("{root}/migrations/postgres"))
    );
}
