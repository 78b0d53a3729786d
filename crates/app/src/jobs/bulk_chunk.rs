//! Queues one chunk of a bulk message to members, then the next chunk.

use super::Job;
use crate::App;
use serde::{Deserialize, Serialize};

/// The chunk of campaign `bulk_id` after member id `after`; `index` counts members queued before.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct BulkChunk {
    pub bulk_id: i64,
    pub after: i64,
    pub index: i64,
}

impl Job for BulkChunk {
    const KIND: &'static str = "bulk.chunk";

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        app.process_bulk_chunk(self.bulk_id, self.after, self.index)
            .await
            .map_err(|e| e.to_string())
    }
}
