//! A post's content as WordPress stores it, made into clean HTML: Gutenberg's block
//! comments removed with their content kept, shortcodes converted or dropped, classic
//! editor text given its paragraphs (WordPress's `wpautop` rules), then everything
//! through the site's one sanitizer.

use super::shortcodes;
use crate::domain::sanitize_html;

/// Block-level elements, after `wpautop`'s list: text next to them is not wrapped in a
/// paragraph, and they are never put inside one.
const BLOCKS: &[&str] = &[
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "blockquote",
    "address",
    "math",
    "style",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
    "details",
    "menu",
    "summary",
    "iframe",
    "object",
    "script",
];

/// Blocks without content or end tag.
const VOID: &[&str] = &["hr", "col", "area"];

/// Blocks that hold paragraphs; inside any other (a list item, a cell, a heading) text
/// keeps its line breaks but gets no paragraph of its own.
const HOLDS_PARAGRAPHS: &[&str] = &[
    "div",
    "blockquote",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "details",
    "form",
    "fieldset",
];

/// Stands in for a `<pre>` while paragraphs are made: its text keeps its lines as typed.
const PRE_MARK: char = '\u{E000}';

/// Whether the content was written in the block editor.
fn has_blocks(content: &str) -> bool {
    content.contains("<!-- wp:")
}

/// Removes `<!-- wp:... -->` and `<!-- /wp:... -->` comments, keeping what they wrap.
pub fn strip_block_comments(content: &str) -> String {
    let mut out = String::with_capacity(content.len());
    let mut rest = content;
    while let Some(at) = rest.find("<!--") {
        out.push_str(&rest[..at]);
        let comment = &rest[at + 4..];
        let inner = comment.trim_start();
        let is_block = inner.starts_with("wp:") || inner.starts_with("/wp:");
        match comment.find("-->") {
            Some(end) if is_block => rest = &comment[end + 3..],
            _ => {
                out.push_str("<!--");
                rest = comment;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The block element a tag at the start of `text` opens or closes: its lowercase name,
/// whether it closes, and the tag's length.
fn block_tag(text: &str) -> Option<(String, bool, usize)> {
    let rest = text.strip_prefix('<')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name_len = rest
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    if !BLOCKS.contains(&name.as_str()) {
        return None;
    }
    let next = rest[name_len..].chars().next()?;
    if !(next == '>' || next == '/' || next.is_whitespace()) {
        return None;
    }
    let end = text.find('>')?;
    Some((name, closing, end + 1))
}

/// Sets `<pre>` elements aside (numbered marks in their place), so that paragraphs are
/// never made inside them.
fn set_aside_pre(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut kept = Vec::new();
    let mut rest = text;
    loop {
        let lower = rest.to_ascii_lowercase();
        let Some(at) = lower.find("<pre") else { break };
        let Some(end) = lower[at..].find("</pre>") else {
            break;
        };
        let end = at + end + "</pre>".len();
        out.push_str(&rest[..at]);
        out.push_str(&format!("\n\n{PRE_MARK}{}{PRE_MARK}\n\n", kept.len()));
        kept.push(rest[at..end].to_owned());
        rest = &rest[end..];
    }
    out.push_str(rest);
    (out, kept)
}

fn put_back_pre(text: &str, kept: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split(PRE_MARK);
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let mut inside = true;
    for part in parts {
        if inside {
            let pre = part.parse::<usize>().ok().and_then(|i| kept.get(i));
            out.push_str(pre.map_or("", String::as_str));
        } else {
            out.push_str(part);
        }
        inside = !inside;
    }
    out
}

/// WordPress's `wpautop`: blank lines separate paragraphs, a single line break becomes
/// `<br />`, block-level HTML is left as it is and never wrapped.
pub fn autop(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let (text, pres) = set_aside_pre(&text);
    // A blank line before every opening block tag and after every closing one, so that
    // text beside them makes paragraphs of its own.
    let mut spaced = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text.as_str();
    while let Some(at) = rest.find('<') {
        spaced.push_str(&rest[..at]);
        rest = &rest[at..];
        match block_tag(rest) {
            Some((_, closing, len)) => {
                if !closing {
                    spaced.push_str("\n\n");
                }
                spaced.push_str(&rest[..len]);
                if closing {
                    spaced.push_str("\n\n");
                }
                rest = &rest[len..];
            }
            None => {
                spaced.push('<');
                rest = &rest[1..];
            }
        }
    }
    spaced.push_str(rest);

    let mut open: Vec<String> = Vec::new();
    let mut out = String::with_capacity(spaced.len() + spaced.len() / 4);
    for chunk in split_blank_lines(&spaced) {
        let mut middle = chunk.trim();
        if middle.starts_with(PRE_MARK) {
            out.push_str(middle);
            out.push('\n');
            continue;
        }
        while let Some((name, closing, len)) = block_tag(middle) {
            out.push_str(&middle[..len]);
            track(&mut open, &name, closing, middle[..len].ends_with("/>"));
            middle = middle[len..].trim_start();
        }
        let mut trailing = Vec::new();
        while let Some(at) = middle.rfind('<')
            && middle.ends_with('>')
            && let Some((name, closing, len)) = block_tag(&middle[at..])
            && at + len == middle.len()
        {
            trailing.push((name, closing, &middle[at..]));
            middle = middle[..at].trim_end();
        }
        if !middle.is_empty() {
            let lines = line_breaks(middle);
            let wrap = open
                .last()
                .is_none_or(|top| HOLDS_PARAGRAPHS.contains(&top.as_str()));
            if wrap {
                out.push_str("<p>");
                out.push_str(&lines);
                out.push_str("</p>");
            } else {
                out.push_str(&lines);
            }
        }
        for (name, closing, tag) in trailing.into_iter().rev() {
            out.push_str(tag);
            track(&mut open, &name, closing, tag.ends_with("/>"));
        }
        out.push('\n');
    }
    put_back_pre(&out, &pres)
}

/// A single line break becomes `<br />`, except inside a tag (`<a\nhref>`), where
/// it is only a space between attributes.
fn line_breaks(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut in_tag = false;
    for line in text.split('\n') {
        if !out.is_empty() {
            out.push_str(if in_tag { " " } else { "<br />\n" });
        }
        let line = if in_tag {
            line.trim_start()
        } else {
            line.trim()
        };
        for c in line.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                _ => {}
            }
        }
        out.push_str(line);
    }
    out
}

/// Keeps the stack of open blocks in step with one tag.
fn track(open: &mut Vec<String>, name: &str, closing: bool, self_closing: bool) {
    if closing {
        if let Some(at) = open.iter().rposition(|n| n == name) {
            open.truncate(at);
        }
    } else if !self_closing && !VOID.contains(&name) {
        open.push(name.to_owned());
    }
}

/// Pieces of text between blank lines (lines holding only whitespace count as blank).
fn split_blank_lines(text: &str) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                chunks.push(std::mem::take(&mut current));
            }
            current.clear();
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line);
        }
    }
    if !current.trim().is_empty() {
        chunks.push(current);
    }
    chunks
}

/// A post's content as sanitized HTML.
pub fn to_html(content: &str) -> String {
    let text = if has_blocks(content) {
        // The block editor stores its paragraphs as HTML; WordPress adds none to it.
        shortcodes::convert(&strip_block_comments(content))
    } else {
        autop(&shortcodes::convert(content))
    };
    drop_empty_paragraphs(&sanitize_html(&text))
}

/// Removes paragraphs left empty (one that held only `<!--more-->`, say), as
/// WordPress does.
fn drop_empty_paragraphs(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("<p>") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let inner = after.trim_start();
        match inner.strip_prefix("</p>") {
            Some(tail) => rest = tail.strip_prefix('\n').unwrap_or(tail),
            None => {
                out.push_str("<p>");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A post's content as an item body (whose source is Markdown): the clean HTML as one
/// HTML block, which Markdown passes through as it is. A blank line would end the
/// block, so the line break after a blank line is written as a character reference.
pub fn to_body(content: &str) -> String {
    let html = to_html(content);
    let html = html.trim();
    if html.is_empty() {
        return String::new();
    }
    let mut body = String::with_capacity(html.len() + 16);
    body.push_str("<div>");
    let mut lines = html.split('\n').peekable();
    while let Some(line) = lines.next() {
        body.push_str(line);
        if lines.peek().is_some() {
            let blank = line.trim().is_empty();
            body.push_str(if blank { "&#10;" } else { "\n" });
        }
    }
    body.push_str("</div>");
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::render_markdown;

    #[test]
    fn blank_lines_make_paragraphs_and_single_breaks_br() {
        assert_eq!(
            autop("First line\nsecond line\n\nNew paragraph.").trim(),
            "<p>First line<br />\nsecond line</p>\n<p>New paragraph.</p>"
        );
        assert_eq!(to_html("One\r\n\r\n\r\nTwo"), "<p>One</p>\n<p>Two</p>\n");
    }

    #[test]
    fn block_level_html_is_not_wrapped() {
        let html =
            to_html("Intro\n<h2>Heading</h2>\nAfter\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>");
        assert_eq!(
            html.replace('\n', ""),
            "<p>Intro</p><h2>Heading</h2><p>After</p><ul><li>one</li><li>two</li></ul>"
        );
        let html = to_html("<blockquote>Quoted\n\nSecond</blockquote>");
        assert_eq!(
            html.replace('\n', ""),
            "<blockquote><p>Quoted</p><p>Second</p></blockquote>"
        );
        let html = to_html("<p>Already a paragraph</p>");
        assert_eq!(html.trim(), "<p>Already a paragraph</p>");
    }

    #[test]
    fn a_line_break_inside_a_tag_is_no_br() {
        assert_eq!(
            to_html("See <a\nhref=\"https://e.com\">this</a>\nand that").trim(),
            "<p>See <a href=\"https://e.com\" rel=\"noopener noreferrer\">this</a><br>\nand that</p>"
        );
    }

    #[test]
    fn paragraphs_left_empty_go() {
        assert_eq!(
            to_html("Before.\n\n<!--more-->\n\nAfter.\n\n<p> </p>"),
            "<p>Before.</p>\n<p>After.</p>\n"
        );
    }

    #[test]
    fn inline_html_stays_inside_its_paragraph() {
        assert_eq!(
            to_html("Some <em>emphasis</em> and <a href=\"https://e.com\">a link</a>.").trim(),
            "<p>Some <em>emphasis</em> and <a href=\"https://e.com\" rel=\"noopener noreferrer\">a link</a>.</p>"
        );
    }

    #[test]
    fn preformatted_text_keeps_its_lines() {
        let html = to_html("Code:\n\n<pre>line one\n\nline two</pre>\n\nEnd");
        assert!(html.contains("<pre>line one\n\nline two</pre>"), "{html}");
        assert!(html.contains("<p>End</p>"), "{html}");
    }

    #[test]
    fn block_comments_go_and_their_content_stays_without_extra_paragraphs() {
        let content = "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:image {\"id\":5} -->\n<figure class=\"wp-block-image\"><img src=\"/a.jpg\" alt=\"\"/></figure>\n<!-- /wp:image -->";
        assert_eq!(
            strip_block_comments("a<!-- wp:x {\"a\":1} -->b<!-- /wp:x -->c<!-- more -->"),
            "abc<!-- more -->"
        );
        let html = to_html(content);
        assert!(!html.contains("wp:"), "{html}");
        assert!(html.contains("<p>Hello</p>"), "{html}");
        assert!(
            html.contains("<figure><img src=\"/a.jpg\" alt=\"\"></figure>"),
            "{html}"
        );
    }

    #[test]
    fn captions_become_figures_outside_paragraphs() {
        let html = to_html(
            "Text before\n[caption id=\"a\" width=\"300\"]<img src=\"/a.jpg\" alt=\"Port\"> The port[/caption]\nText after",
        );
        assert_eq!(
            html.replace('\n', ""),
            "<p>Text before</p><figure><img src=\"/a.jpg\" alt=\"Port\"><figcaption>The port</figcaption></figure><p>Text after</p>"
        );
    }

    #[test]
    fn nothing_unsafe_survives() {
        let html = to_html(
            "<script>alert(1)</script><p onclick=\"x()\">Hi</p><iframe src=\"https://e.com\"></iframe>",
        );
        assert_eq!(html.trim(), "<p>Hi</p>");
    }

    #[test]
    fn the_body_renders_to_the_same_html_through_markdown() {
        for content in [
            "One *not emphasis*\n\nTwo # not a heading\n\n<pre>a\n\n  b</pre>",
            "<!-- wp:paragraph --><p>x</p><!-- /wp:paragraph -->",
            "<pre>one\n\n   \n\ntwo</pre>\n\nText *after*",
            "1. not a list\n- nor this",
        ] {
            let body = to_body(content);
            assert!(
                !body.lines().any(|l| l.trim().is_empty()),
                "no blank line ends the HTML block: {body}"
            );
            assert_eq!(
                render_markdown(&body).replace("&#10;", "\n").trim(),
                to_html(content).trim(),
                "{content}"
            );
        }
        assert_eq!(to_body("  \n "), "");
    }
}
