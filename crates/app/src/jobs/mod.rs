//! The shop's jobs, each a type: its fields are the payload, so the code that enqueues a job and
//! the handler that runs it share one definition (`spec` builds the queue entry, `register`
//! decodes and runs it). Jobs with a payload have a file each; the scheduled chores, which carry
//! none, are listed in `chores.rs`. The queue delivers at least once: every job is idempotent.

mod bulk_chunk;
mod cash_receipt;
mod channel_dispatch;
pub(crate) mod chores;
mod escrow;
mod expire_deposit;
mod schedule;
mod send_message;
mod webhook_delivery;

pub(crate) use bulk_chunk::BulkChunk;
pub(crate) use cash_receipt::CashReceiptSync;
pub(crate) use channel_dispatch::ChannelDispatch;
pub(crate) use escrow::{EscrowJob, EscrowStep};
pub(crate) use expire_deposit::ExpireDeposit;
pub use schedule::{PRUNE_JOBS, PRUNE_SESSIONS};
pub(crate) use send_message::SendMessage;
pub(crate) use webhook_delivery::WebhookDelivery;

use crate::{App, AppError, AppResult};
use jangteo_jobs::{Handlers, JobSpec};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::future::Future;

/// One kind of job and what running it does.
pub(crate) trait Job: Serialize + DeserializeOwned + Send + 'static {
    /// The queue's name for the kind (stored with every queued job: never rename one).
    const KIND: &'static str;

    /// Runs the job; an error is retried with backoff until the last attempt.
    fn run(self, app: App, last_attempt: bool) -> impl Future<Output = Result<(), String>> + Send;
}

/// The queue entry for `job` (callers add timing, de-duplication and attempts).
pub(crate) fn spec<J: Job>(job: &J) -> AppResult<JobSpec> {
    let payload = serde_json::to_value(job).map_err(|source| AppError::JobPayload {
        kind: J::KIND,
        source,
    })?;
    Ok(JobSpec::new(J::KIND, payload))
}

/// Registers `J`'s handler: decode the payload, run the job.
fn register<J: Job>(handlers: &mut Handlers, app: &App) {
    let app = app.clone();
    handlers.register(J::KIND, move |job| {
        let app = app.clone();
        async move {
            let payload: J = serde_json::from_value(job.payload.clone())
                .map_err(|e| format!("{} payload: {e}", J::KIND))?;
            payload.run(app, job.is_last_attempt()).await
        }
    });
}

impl App {
    /// The handler of every job kind.
    pub fn job_handlers(&self) -> Handlers {
        let mut handlers = Handlers::new();
        register::<SendMessage>(&mut handlers, self);
        register::<ExpireDeposit>(&mut handlers, self);
        register::<BulkChunk>(&mut handlers, self);
        register::<EscrowJob>(&mut handlers, self);
        register::<CashReceiptSync>(&mut handlers, self);
        register::<ChannelDispatch>(&mut handlers, self);
        register::<WebhookDelivery>(&mut handlers, self);
        chores::register_all(&mut handlers, self);
        handlers
    }
}
