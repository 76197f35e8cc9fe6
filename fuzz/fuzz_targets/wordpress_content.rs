//! A WordPress post's content (classic-editor text, block comments, shortcodes, any
//! HTML) turned into an item body: never a panic, and never a script left in it.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::import::wordpress::content::{to_body, to_html};

fuzz_target!(|bytes: &[u8]| {
    let Ok(content) = std::str::from_utf8(bytes) else {
        return;
    };
    let html = to_html(content);
    assert!(!html.to_ascii_lowercase().contains("<script"), "{html}");
    let body = to_body(content);
    assert!(body.is_empty() || body.starts_with("<div>"), "{body}");
});
