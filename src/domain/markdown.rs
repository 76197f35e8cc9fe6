use pulldown_cmark::{Options, Parser, html};

/// Renders an item body from Markdown to HTML that is safe to put in any page.
///
/// Raw HTML in the source is passed through the allow-list sanitizer rather than
/// trusted, so a pasted `<script>` or `onclick` never reaches a reader.
pub fn render_markdown(source: &str) -> String {
    // No smart punctuation: quotes and dashes stay exactly as the reporter typed them.
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut unsafe_html = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(source, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .clean(&unsafe_html)
        .to_string()
}

/// Turns a paragraph of plain text into Markdown that renders as exactly that text.
///
/// CommonMark lets any ASCII punctuation be backslash-escaped, so escaping all of it
/// keeps wire copy such as `1. Item` or `*NOTE*` from turning into lists or emphasis.
pub fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_emphasis_are_rendered() {
        let html = render_markdown("First *one*.\n\nSecond.");
        assert_eq!(html.trim(), "<p>First <em>one</em>.</p>\n<p>Second.</p>");
    }

    #[test]
    fn scripts_and_event_handlers_are_removed() {
        let html = render_markdown(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn plain_text_renders_as_itself() {
        let text = "1. Not a list, *not* emphasis, <b>not</b> markup & 'quotes' stay";
        let html = render_markdown(&escape_plain(text));
        assert_eq!(
            html.trim(),
            "<p>1. Not a list, *not* emphasis, &lt;b&gt;not&lt;/b&gt; markup &amp; 'quotes' stay</p>"
        );
    }

    #[test]
    fn non_latin_text_passes_through_unchanged() {
        let html = render_markdown("Ağdam, Şuşa və Xankəndi — «Лента новостей»");
        assert!(html.contains("Ağdam, Şuşa və Xankəndi — «Лента новостей»"));
    }
}
