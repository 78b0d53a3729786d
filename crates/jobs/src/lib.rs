//! Durable job queue and scheduler mechanics (database-backed, at-least-once, with leases and
//! cron de-duplication). The queue arrives with the jobs issue; this crate holds its place in the
//! workspace layout of ARCHITECTURE.md so that `app` can depend on it without restructuring.
