//! The persistence layer's error type.

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A driver or SQL error, with what we were doing.
    #[error("{context}: {source}")]
    Sqlx {
        /// What the code was doing.
        context: &'static str,
        /// The driver error.
        #[source]
        source: sqlx::Error,
    },
    /// Applying migrations failed.
    #[error("applying migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database was migrated by a newer Jangteo than this binary.
    #[error(
        "the database schema is at version {found}, newer than this jangteo knows (up to {known}); \
         run a newer jangteo binary against this database"
    )]
    SchemaTooNew {
        /// Highest version applied in the database.
        found: i64,
        /// Highest version this binary embeds.
        known: i64,
    },
    /// The connection URL could not be understood.
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    /// Stored data broke an invariant the code relies on.
    #[error("inconsistent data: {0}")]
    Inconsistent(String),
}

/// Attaches context to sqlx results.
pub(crate) trait Context<T> {
    fn context(self, context: &'static str) -> Result<T, DbError>;
}

impl<T> Context<T> for Result<T, sqlx::Error> {
    fn context(self, context: &'static str) -> Result<T, DbError> {
        self.map_err(|source| DbError::Sqlx { context, source })
    }
}

impl DbError {
    /// True when the error is a unique-constraint violation (on either backend).
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlx {
                source: sqlx::Error::Database(e),
                ..
            } => e.is_unique_violation(),
            _ => false,
        }
    }

    /// True when the database could not be reached (no connection in time, connection refused
    /// or broken): the request may succeed later, unlike a refused query.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            DbError::Sqlx {
                source: sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_),
                ..
            }
        )
    }
}
