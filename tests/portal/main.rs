//! Integration tests: the real server on a free port, a fresh database each, spoken to over HTTP.

mod errors;
mod import;
mod pages;
mod seed;
mod support;
mod validity;
