//! Uploaded images: checked, stripped of metadata, resized and stored under content-addressed names.

mod process;
mod storage;

pub use process::{
    Limits, MediaError, ProcessedImage, SourceFormat, VARIANT_WIDTHS, Variant, process,
    process_unless,
};
pub use storage::{MediaStore, S3Config, safe_name_format};
