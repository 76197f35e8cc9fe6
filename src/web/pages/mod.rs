//! Reader pages: one handler per page, each loading from the snapshot and rendering.

pub mod archive;
pub mod article;
pub mod corrections;
pub mod home;
pub mod listing;
