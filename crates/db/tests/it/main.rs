//! Repository tests, each on SQLite and on PostgreSQL.

mod catalog;
mod migrations;
mod orders;
mod search;
