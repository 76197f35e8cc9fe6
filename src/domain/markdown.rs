//! The one sanitizer: every piece of markup that leaves the building (pages, feeds,
//! previews) is either escaped text or HTML that went through [`sanitize_html`].

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

/// Elements a body may keep: text structure, links, images and tables. Nothing that
/// runs, embeds, submits or restyles (no script, style, svg, math, iframe, object, form).
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
];

/// Elements dropped with everything inside them, rather than unwrapped to their text:
/// their content is code or foreign markup, never prose a reader should see.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "embed", "form", "iframe", "math", "noscript", "object", "script", "select", "style", "svg",
    "template", "textarea", "title",
];

/// URL schemes a link or image may use; relative URLs stay as they are.
const SCHEMES: &[&str] = &["http", "https", "mailto"];

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    let attributes: HashMap<&str, HashSet<&str>> = [
        ("a", &["href", "title"][..]),
        ("img", &["src", "alt", "title", "width", "height"][..]),
        ("ol", &["start"][..]),
        ("td", &["colspan", "rowspan"][..]),
        ("th", &["colspan", "rowspan", "scope"][..]),
        ("abbr", &["title"][..]),
        ("q", &["cite"][..]),
        ("blockquote", &["cite"][..]),
    ]
    .into_iter()
    .map(|(tag, attrs)| (tag, attrs.iter().copied().collect()))
    .collect();
    builder
        .tags(TAGS.iter().copied().collect())
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attributes)
        // `lang` marks a quotation in another language (`<q lang="ru">`, `<span
        // lang="en">`); a value that is no language tag is dropped, not passed on.
        .generic_attributes(["lang"].into_iter().collect())
        .attribute_filter(|_, attribute, value| {
            if attribute == "lang" {
                super::LanguageTag::parse(value)
                    .ok()
                    .map(|tag| std::borrow::Cow::Owned(tag.to_string()))
            } else {
                Some(std::borrow::Cow::Borrowed(value))
            }
        })
        .url_schemes(SCHEMES.iter().copied().collect())
        .url_relative(ammonia::UrlRelative::PassThrough)
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
});

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
    sanitize_html(&unsafe_html)
}

/// Cleans untrusted HTML down to the allow-list: no event handlers, no styles, no
/// `javascript:`/`data:`/`vbscript:` URLs, `rel="noopener noreferrer"` on every link.
pub fn sanitize_html(html: &str) -> String {
    SANITIZER.clean(html).to_string()
}

/// Plain text made into HTML that shows exactly that text (`&`, `<`, `>`, quotes escaped).
pub fn escape_text(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .map(|safe| safe.to_string())
        .unwrap_or_default()
}

/// The text of the first non-empty paragraph of sanitized HTML, as plain text with its
/// whitespace collapsed: what descriptions and feed summaries are made of.
///
/// ammonia re-parses the HTML (html5ever) and keeps only bare `<p>` tags; everything else
/// becomes its text. Its serializer escapes exactly `&`, `<`, `>` and no-break spaces in
/// text, so a `<p>` in the output is a real paragraph and undoing those few entities gives
/// back the characters readers see.
pub fn first_paragraph_text(html: &str) -> Option<String> {
    let cleaned = ammonia::Builder::empty()
        .add_tags(["p"])
        .clean(html)
        .to_string();
    cleaned
        .split("<p>")
        .skip(1)
        .filter_map(|rest| rest.split("</p>").next())
        .map(|text| {
            unescape_serialized(text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .find(|text| !text.is_empty())
}

/// Untrusted HTML (or text that may hold tags, such as a feed's title) as the plain
/// text a reader would see: tags dropped, scripts and styles with their content,
/// entities decoded, runs of white space folded to one space.
pub fn plain_text(html: &str) -> String {
    let cleaned = ammonia::Builder::empty()
        .clean_content_tags(DROPPED_WITH_CONTENT.iter().copied().collect())
        .clean(html)
        .to_string();
    unescape_serialized(&cleaned)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes the character references html5ever's serializer writes in text.
fn unescape_serialized(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
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
    fn quotations_in_another_language_keep_their_lang() {
        let html = render_markdown(
            "The minister said <q lang=\"ru\">мы готовы</q> and <span lang=\"AZ-Latn\">hazırıq</span>; <span lang=\"not a tag\" onclick=\"x()\">bad</span>",
        );
        assert!(html.contains("<q lang=\"ru\">мы готовы</q>"), "{html}");
        assert!(
            html.contains("<span lang=\"az-Latn\">hazırıq</span>"),
            "{html}"
        );
        assert!(html.contains("<span>bad</span>"), "{html}");
        assert!(!html.contains("onclick"), "{html}");
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
    fn only_the_allow_list_survives_raw_html() {
        let dirty = concat!(
            "<p style=\"color:red\" onclick=\"alert(1)\" class=\"x\">Hi</p>",
            "<svg onload=alert(1)><circle/></svg><math><mi>x</mi></math>",
            "<iframe src=\"https://evil.example\"></iframe><form action=\"/x\"><input></form>",
            "<object data=\"x\"></object><embed src=\"x\"><style>p{}</style>",
            "<a href=\"JaVaScRiPt:alert(1)\">a</a><a href=\"data:text/html,x\">b</a>",
            "<a href=\"vbscript:x\">c</a><img src=\"data:image/png;base64,AA\" alt=\"d\">",
            "<a href=\"https://ok.example/\">ok</a><img src=\"/media/x.png\" alt=\"e\">",
        );
        let clean = sanitize_html(dirty);
        for banned in [
            "style",
            "onclick",
            "class",
            "svg",
            "circle",
            "math",
            "<mi",
            "iframe",
            "form",
            "input",
            "object",
            "embed",
            "javascript",
            "JaVaScRiPt",
            "data:",
            "vbscript",
        ] {
            assert!(!clean.contains(banned), "{banned} in {clean}");
        }
        assert!(clean.contains("<p>Hi</p>"), "{clean}");
        assert!(
            clean.contains(r#"<a href="https://ok.example/" rel="noopener noreferrer">ok</a>"#),
            "{clean}"
        );
        assert!(
            clean.contains(r#"<img src="/media/x.png" alt="e">"#),
            "{clean}"
        );
    }

    #[test]
    fn markdown_links_and_autolinks_cannot_carry_scripts() {
        let html = render_markdown(
            "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) ![c](data:image/svg+xml,x) \
             <javascript:alert(1)> [d](&#106;avascript:alert(1)) [e](java%0Ascript:alert(1))",
        );
        // The autolink's address may stay as text; it must not become a link.
        let lower = html.to_ascii_lowercase();
        assert!(!lower.contains("href=\"javascript"), "{html}");
        assert!(!lower.contains("href=\"&#"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(!html.contains("src="), "{html}");
    }

    #[test]
    fn text_is_escaped_to_show_as_itself() {
        assert_eq!(
            escape_text(r#"<img src=x onerror="alert(1)"> & 'q'"#),
            "&#60;img src=x onerror=&#34;alert(1)&#34;&#62; &#38; &#39;q&#39;"
        );
    }

    #[test]
    fn the_first_paragraph_comes_out_as_plain_text() {
        let html = "<h2>Head</h2><p>  </p><p>Tom &amp; <em>Jerry</em> &lt;b&gt; \"q\"\n ə</p><p>Second</p>";
        assert_eq!(
            first_paragraph_text(html).as_deref(),
            Some("Tom & Jerry <b> \"q\" ə")
        );
        assert_eq!(
            first_paragraph_text("<p>&amp;lt; stays &lt; and a\u{A0}space</p>").as_deref(),
            Some("&lt; stays < and a space")
        );
        assert_eq!(first_paragraph_text(""), None);
        assert_eq!(first_paragraph_text("<ul><li>Only a list</li></ul>"), None);
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
