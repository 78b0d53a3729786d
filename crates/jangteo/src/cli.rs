//! Command line and configuration layering: defaults → `jangteo.toml` → `JANGTEO_*` → flags.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use jangteo_app::Config;
use std::path::PathBuf;

/// Jangteo (장터): a self-hosted online shop in one binary.
#[derive(Debug, Parser)]
#[command(name = "jangteo", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file (default: ./jangteo.toml when it exists).
    #[arg(long, global = true, env = "JANGTEO_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply database migrations, then serve the shop (with the job worker unless --no-worker).
    Serve(ServeArgs),
    /// Run the job worker and scheduler only (scale-out beside `serve` instances).
    Worker(CommonArgs),
    /// Apply database migrations and exit.
    Migrate(CommonArgs),
    /// Load the demo shop (idempotent), print a staff login and serve it with the worker.
    Demo(DemoArgs),
    /// Back-office accounts.
    Admin(AdminArgs),
    /// Copy the database and the local media into a new folder (safe while the shop runs).
    Backup(BackupArgs),
    /// Replace the database and media with a backup's (stop the shop first), then migrate.
    Restore(RestoreArgs),
}

/// Options of `backup`.
#[derive(Debug, Args, Clone)]
pub struct BackupArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The folder to write (must not exist or be empty).
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
}

/// Options of `restore`.
#[derive(Debug, Args, Clone)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The backup folder (written by `jangteo backup`).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// Replace a database that already holds a shop.
    #[arg(long)]
    pub yes: bool,
}

/// Options of `admin`.
#[derive(Debug, Args, Clone)]
pub struct AdminArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// What to do.
    #[command(subcommand)]
    pub action: AdminAction,
}

/// `admin` subcommands.
#[derive(Debug, Subcommand, Clone)]
pub enum AdminAction {
    /// Create a staff account (or reset the password and role of an existing one) and print a
    /// new password; the first login enrols TOTP 2FA.
    CreateUser {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long, default_value = "관리자")]
        name: String,
        /// owner, manager, cs, warehouse or marketing.
        #[arg(long, default_value = "owner")]
        role: String,
    },
    /// Clear a staff account's 2FA (lost phone and recovery codes): the next login enrols again.
    #[command(name = "reset-2fa")]
    Reset2fa {
        /// Login e-mail.
        #[arg(long)]
        email: String,
    },
    /// Recompute every statistics roll-up from the orders (after restoring a backup or editing
    /// orders by hand; day-to-day changes are rolled up on their own).
    RebuildStats,
}

/// Options every command takes.
#[derive(Debug, Args, Clone, Default)]
pub struct CommonArgs {
    /// Directory for the SQLite database and local media [default: ./data].
    #[arg(long, env = "JANGTEO_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: postgres://… selects PostgreSQL [default: sqlite:DATA_DIR/jangteo.db].
    #[arg(
        long,
        env = "JANGTEO_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

/// Options of `serve`.
#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "JANGTEO_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Serve HTTP only, without the job worker and scheduler (scale-out: run `jangteo worker`
    /// beside; without any worker no mail is sent and no deadline passes).
    #[arg(long, conflicts_with = "with_worker")]
    pub no_worker: bool,
    /// The worker runs by default now; kept so existing service files keep working.
    #[arg(long, hide = true)]
    pub with_worker: bool,
}

/// Options of `demo` (it always runs the worker: the demo is one machine).
#[derive(Debug, Args, Clone, Default)]
pub struct DemoArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "JANGTEO_LISTEN", value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Add synthetic products until at least this many exist (for load tests).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub bulk_products: u64,
    /// Load the demo data and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

impl Command {
    fn common(&self) -> &CommonArgs {
        match self {
            Command::Serve(a) => &a.common,
            Command::Worker(a) | Command::Migrate(a) => a,
            Command::Demo(a) => &a.common,
            Command::Admin(a) => &a.common,
            Command::Backup(a) => &a.common,
            Command::Restore(a) => &a.common,
        }
    }

    fn listen(&self) -> Option<&str> {
        match self {
            Command::Serve(a) => a.listen.as_deref(),
            Command::Demo(a) => a.listen.as_deref(),
            Command::Worker(_)
            | Command::Migrate(_)
            | Command::Admin(_)
            | Command::Backup(_)
            | Command::Restore(_) => None,
        }
    }
}

type Env = std::collections::HashMap<String, String>;

/// `JANGTEO_KEY` and `JANGTEO_SECTION__KEY` variables as configuration keys.
fn environment(vars: Env) -> config::Environment {
    config::Environment::with_prefix("JANGTEO")
        .prefix_separator("_")
        .separator("__")
        .try_parsing(true)
        .ignore_empty(true)
        .source(Some(vars))
}

/// Splits `JANGTEO_*` variables into settings and names that are no setting (a user's own
/// `JANGTEO_BIN`, say): each variable is tried alone against the defaults, and only an unknown
/// key sets it aside. A bad value of a real setting stays, so the full read reports it.
fn split_unknown_variables(vars: Env) -> (Env, Vec<String>) {
    let mut unknown = Vec::new();
    let mut known = Env::new();
    for (key, value) in vars {
        let alone = Env::from([(key.clone(), value.clone())]);
        let verdict = config::Config::builder()
            .add_source(environment(alone))
            .build()
            .and_then(|c| c.try_deserialize::<Config>());
        match verdict {
            Err(e) if e.to_string().contains("unknown field") => unknown.push(key),
            _ => {
                known.insert(key, value);
            }
        }
    }
    unknown.sort();
    (known, unknown)
}

/// Builds the configuration. Environment variables reach the config file's keys as
/// `JANGTEO_KEY` and nested ones as `JANGTEO_SECTION__KEY` (e.g. `JANGTEO_SHOP__NAME`).
pub fn load_config(cli: &Cli) -> Result<Config> {
    let mut builder = config::Config::builder();
    match &cli.config {
        Some(path) => {
            builder = builder.add_source(config::File::from(path.as_path()).required(true));
        }
        None => {
            builder = builder.add_source(config::File::with_name("jangteo.toml").required(false));
        }
    }
    // JANGTEO_CONFIG names the file itself (read by clap), so it is not a setting.
    let candidates: Env = std::env::vars()
        .filter(|(key, _)| key.starts_with("JANGTEO_") && key != "JANGTEO_CONFIG")
        .collect();
    let (settings_env, unknown) = split_unknown_variables(candidates);
    if !unknown.is_empty() {
        // Logging starts after the configuration is read: say it on stderr.
        eprintln!(
            "warning: ignoring environment variables that are not Jangteo settings: {}",
            unknown.join(", ")
        );
    }
    builder = builder.add_source(environment(settings_env));
    let raw = builder.build().context("reading configuration")?;
    let mut settings: Config = raw
        .try_deserialize()
        .context("invalid configuration (jangteo.toml or JANGTEO_* variables)")?;
    let common = cli.command.common();
    if let Some(dir) = &common.data_dir {
        settings.data_dir = dir.clone();
    }
    if let Some(url) = &common.database_url {
        settings.database_url = Some(url.clone());
    }
    if let Some(listen) = cli.command.listen() {
        settings.listen = listen.to_owned();
    }
    Ok(settings)
}
