//! Markdown from reporters to the HTML readers get: whatever the source, the output
//! parsed as a browser would parse it holds no script, no event handler and no
//! `javascript:` or `data:` URL.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scraper::{Html, Node};

/// Attributes whose value a browser follows or loads as a URL.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "cite",
    "poster",
    "background",
    "longdesc",
    "data",
    "xlink:href",
];

/// Elements that run code or load active content.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script", "iframe", "object", "embed", "frame", "frameset", "base", "meta", "link", "style",
    "form", "svg", "math",
];

/// Whether a URL would run code or inline a document: browsers drop tabs, newlines and
/// leading controls and spaces, and compare the scheme without case.
fn is_dangerous_url(value: &str) -> bool {
    let cleaned: String = value
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .flat_map(char::to_lowercase)
        .collect();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| cleaned.starts_with(scheme))
}

fuzz_target!(|source: &str| {
    let html = newsline::domain::render_markdown(source);
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "a script tag survived: {html}");
    let fragment = Html::parse_fragment(&html);
    for node in fragment.tree.nodes() {
        let Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name();
        assert!(
            !ACTIVE_ELEMENTS.contains(&name),
            "<{name}> survived: {html}"
        );
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            assert!(
                !attribute.starts_with("on"),
                "event handler {attribute} survived: {html}"
            );
            assert!(attribute != "style", "a style attribute survived: {html}");
            if URL_ATTRIBUTES.contains(&attribute.as_str()) {
                assert!(
                    !is_dangerous_url(value),
                    "{attribute}={value:?} survived: {html}"
                );
            }
        }
    }
});
