//! `jangteo backup` and `jangteo restore` (issue 19). A backup is a folder: the database (SQLite:
//! a consistent copy made while the shop runs; PostgreSQL: pg_dump's custom format), the local
//! media, and `manifest.json` (backend, schema version, when, which jangteo). A restore checks
//! the copy before it replaces anything, refuses a backup from a newer jangteo or the other
//! backend, asks before replacing a shop, and migrates what it restored to this binary's schema.

use anyhow::{Context, Result, bail};
use jangteo_app::Config;
use jangteo_db::{Backend, Db, is_postgres_url, redact_url, sqlite_path};
use serde_json::json;
use std::path::{Path, PathBuf};

const MANIFEST: &str = "manifest.json";
const SQLITE_FILE: &str = "database.sqlite";
const PG_FILE: &str = "database.pgdump";

/// Makes a backup of the configured shop in `to`; what was written, for the operator.
pub async fn backup(config: &Config, to: &Path) -> Result<String> {
    if to.read_dir().is_ok_and(|mut d| d.next().is_some()) {
        bail!("{} is not empty: give a new folder", to.display());
    }
    std::fs::create_dir_all(to).with_context(|| format!("creating {}", to.display()))?;
    // It holds every member's personal data: the owner's alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(to, std::fs::Permissions::from_mode(0o700))?;
    }
    let url = config.database_url();
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("opening {}", redact_url(&url)))?;
    let status = db.migration_status().await?;
    let backend = if db.backend() == Backend::Postgres {
        db.close().await;
        pg_tool("pg_dump", &url)?
            .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
            .arg(to.join(PG_FILE))
            .status_checked()
            .await?;
        "postgres"
    } else {
        db.copy_sqlite_to(&to.join(SQLITE_FILE)).await?;
        db.close().await;
        "sqlite"
    };
    let media = copy_tree(config.media_dir(), to.join("media")).await?;
    let manifest = json!({
        "format": 1, "backend": backend, "schema_version": status.applied,
        "jangteo_version": env!("CARGO_PKG_VERSION"), "created_at": chrono::Utc::now().to_rfc3339(),
        "media_files": media,
    });
    std::fs::write(to.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?)?;
    Ok(format!(
        "백업을 만들었습니다 (backup written): {} — {backend} database at schema version {}, {media} media files",
        to.display(),
        status.applied
    ))
}

/// Restores the backup in `from` over the configured shop (`yes`: even over a shop).
pub async fn restore(config: &Config, from: &Path, yes: bool) -> Result<String> {
    let raw = std::fs::read(from.join(MANIFEST))
        .with_context(|| format!("{} is not a jangteo backup (no {MANIFEST})", from.display()))?;
    let manifest: serde_json::Value =
        serde_json::from_slice(&raw).context("reading the manifest")?;
    let url = config.database_url();
    let backend = manifest["backend"].as_str().unwrap_or_default();
    let target = if is_postgres_url(&url) {
        "postgres"
    } else {
        "sqlite"
    };
    if backend != target {
        bail!("this backup holds a {backend} database; the shop is configured for {target}");
    }
    let version = manifest["schema_version"].as_i64().unwrap_or(i64::MAX);
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("opening {}", redact_url(&url)))?;
    let status = db.migration_status().await?;
    db.close().await;
    if version > status.known {
        bail!(
            "the backup is at schema version {version}, newer than this jangteo knows ({}): restore it with a newer jangteo",
            status.known
        );
    }
    if status.applied > 0 && !yes {
        bail!(
            "{} already holds a shop (schema version {}); restoring replaces all of it: stop the shop and run again with --yes",
            redact_url(&url),
            status.applied
        );
    }
    if target == "postgres" {
        pg_tool("pg_restore", &url)?
            .args(["--clean", "--if-exists", "--no-owner", "--no-privileges"])
            .args(["--single-transaction", "--exit-on-error"])
            .arg(from.join(PG_FILE))
            .status_checked()
            .await?;
    } else {
        restore_sqlite(&url, &from.join(SQLITE_FILE)).await?;
    }
    let media = copy_tree(from.join("media"), config.media_dir()).await?;
    let db = Db::connect(&url).await?;
    let now = db
        .migrate()
        .await
        .context("migrating the restored database")?;
    db.close().await;
    Ok(format!(
        "복원했습니다 (restored) from {}: schema version {version} → {}, {media} media files",
        from.display(),
        now.applied
    ))
}

/// Puts the checked copy in place of the SQLite file (its journal files go: they belong to the
/// database being replaced).
async fn restore_sqlite(url: &str, copy: &Path) -> Result<()> {
    jangteo_db::backup::check_sqlite_copy(copy)
        .await
        .context("the backup's database does not read whole")?;
    let path = sqlite_path(url).context("not a sqlite: URL")?;
    let staged = path.with_extension("restoring");
    std::fs::copy(copy, &staged).with_context(|| format!("copying to {}", staged.display()))?;
    for suffix in ["-wal", "-shm"] {
        let journal = PathBuf::from(format!("{}{suffix}", path.display()));
        if journal.exists() {
            std::fs::remove_file(&journal)?;
        }
    }
    std::fs::rename(&staged, path).with_context(|| format!("replacing {}", path.display()))?;
    Ok(())
}

/// Copies every file under `from` into `to` (a missing `from` copies nothing); how many.
async fn copy_tree(from: PathBuf, to: PathBuf) -> Result<u64> {
    tokio::task::spawn_blocking(move || copy_tree_now(&from, &to)).await?
}

fn copy_tree_now(from: &Path, to: &Path) -> Result<u64> {
    let Ok(entries) = from.read_dir() else {
        return Ok(0);
    };
    std::fs::create_dir_all(to)?;
    let mut copied = 0;
    for entry in entries {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copied += copy_tree_now(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// A PostgreSQL client tool aimed at `url`: the password goes by `PGPASSWORD`, never on the
/// command line (which other users of the machine can read).
fn pg_tool(tool: &'static str, url: &str) -> Result<PgTool> {
    let mut parsed = url::Url::parse(url).context("parsing the PostgreSQL URL")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = parsed.set_password(None);
    let mut command = tokio::process::Command::new(tool);
    command.arg(format!("--dbname={parsed}"));
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    Ok(PgTool { tool, command })
}

/// A PostgreSQL client tool about to run.
struct PgTool {
    tool: &'static str,
    command: tokio::process::Command,
}

impl PgTool {
    fn args<const N: usize>(mut self, args: [&str; N]) -> Self {
        self.command.args(args);
        self
    }

    fn arg(mut self, arg: PathBuf) -> Self {
        self.command.arg(arg);
        self
    }

    /// Runs it; its own words when it fails, a clear one when it is not installed.
    async fn status_checked(mut self) -> Result<()> {
        let tool = self.tool;
        let out = match self.command.output().await {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
                "{tool} is not installed: install the PostgreSQL client tools of the server's major version (Debian: apt install postgresql-client)"
            ),
            Err(e) => return Err(e).context(format!("running {tool}")),
        };
        if !out.status.success() {
            bail!(
                "{tool} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    }
}
