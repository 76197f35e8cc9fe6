//! Newsline: the newsroom where editors write and publish, and the public news portal.

pub mod app;
pub mod backup;
pub mod config;
pub mod domain;
pub mod export;
pub mod import;
pub mod media;
pub mod newsroom;
pub mod read;
pub mod search;
pub mod soak;
pub mod store;
pub mod web;
pub mod webhooks;
pub mod wire;
