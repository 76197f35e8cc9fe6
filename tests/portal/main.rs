//! Integration tests: the real server on a free port, a fresh database each, spoken to over HTTP.

mod api_items;
mod api_tokens;
mod api_writes;
mod archive;
mod cache;
mod cluster;
mod distribution;
mod errors;
mod extractors;
mod headers;
mod import;
mod limits;
mod live;
mod metadata;
mod newsroom;
mod nodes;
mod pages;
mod permissions;
mod search;
mod seed;
mod signin;
mod support;
mod validity;
mod webhooks;
mod writepath;
mod xss;
