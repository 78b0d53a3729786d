//! Repository tests, each on SQLite and on PostgreSQL.

mod audit;
mod catalog;
mod claims;
mod members;
mod migrations;
mod orders;
mod pins_race;
mod search;
mod upgrade;
mod upgrade_steps;
