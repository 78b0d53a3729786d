//! `jangteo backup` and `jangteo restore` (issue 19) on SQLite and PostgreSQL: the demo shop is
//! backed up (media included), restored into an empty database and folder, and reads the same;
//! a folder in use and a restore over a shop without --yes are refused.

use crate::{jangteo, text};
use jangteo_db::Db;
use jangteo_testkit::{Backend, TestDb};
use std::path::Path;

const TABLES: [&str; 7] = [
    "categories",
    "products",
    "skus",
    "media_files",
    "staff_users",
    "orders",
    "point_entries",
];

/// Row counts of the tables the demo fills, and the orders' total, read through a new handle
/// (the test's own was opened before the files changed under it).
async fn figures(url: &str) -> Vec<i64> {
    let db = &Db::connect(url).await.unwrap();
    let mut out = Vec::new();
    for table in TABLES {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        out.push(match db {
            Db::Sqlite(s) => sqlx::query_scalar(sql).fetch_one(&s.read).await.unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        });
    }
    let total = "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders";
    out.push(match db {
        Db::Sqlite(s) => sqlx::query_scalar(total).fetch_one(&s.read).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(total).fetch_one(p).await.unwrap(),
    });
    db.close().await;
    out
}

fn files_under(dir: &Path) -> usize {
    let Ok(entries) = dir.read_dir() else {
        return 0;
    };
    entries
        .map(|e| e.unwrap())
        .map(|e| match e.file_type().unwrap().is_dir() {
            true => files_under(&e.path()),
            false => 1,
        })
        .sum()
}

fn ok(root: &Path, args: &[&str]) -> String {
    let out = jangteo(root, args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", text(&out));
    text(&out)
}

async fn the_shop_comes_back_from_a_backup(backend: Backend) {
    let (Some(source), Some(target)) = (TestDb::empty(backend).await, TestDb::empty(backend).await)
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let from = ["--database-url", source.url.as_str(), "--data-dir", "shop"];
    let to = [
        "--database-url",
        target.url.as_str(),
        "--data-dir",
        "restored",
    ];
    ok(root, &[&["demo", "--no-serve"][..], &from].concat());
    let said = ok(root, &[&["backup", "--to", "bk"][..], &from].concat());
    assert!(said.contains("schema version"), "{said}");
    assert!(root.join("bk/manifest.json").exists());
    let again = jangteo(root, &[&["backup", "--to", "bk"][..], &from].concat())
        .output()
        .unwrap();
    assert!(!again.status.success() && text(&again).contains("not empty"));

    ok(root, &[&["restore", "--from", "bk"][..], &to].concat());
    assert_eq!(figures(&target.url).await, figures(&source.url).await);
    let media = files_under(&root.join("shop/media"));
    assert!(media > 0, "the demo has product images");
    assert_eq!(files_under(&root.join("restored/media")), media);

    // Over a shop: only when told so.
    let refused = jangteo(root, &[&["restore", "--from", "bk"][..], &to].concat())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(text(&refused).contains("--yes"), "{}", text(&refused));
    ok(
        root,
        &[&["restore", "--from", "bk", "--yes"][..], &to].concat(),
    );
    assert_eq!(figures(&target.url).await, figures(&source.url).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shop_comes_back_from_a_backup_on_sqlite() {
    the_shop_comes_back_from_a_backup(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shop_comes_back_from_a_backup_on_postgres() {
    the_shop_comes_back_from_a_backup(Backend::Postgres).await;
}
