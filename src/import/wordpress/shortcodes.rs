//! WordPress shortcodes (`[caption]`, `[gallery]`, `[embed]`, `[audio]`, `[video]` and
//! plugins' own) turned into plain HTML or dropped, so that no bracket of one is left
//! for readers. Text in brackets that is no shortcode ("[sic]", "[1]") stays.

use crate::domain::escape_text;

/// Shortcodes WordPress itself registers, recognised even without attributes.
const KNOWN: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "playlist",
];

/// Attributes `[audio]` and `[video]` may name their file with.
const MEDIA_SOURCES: &[&str] = &[
    "src", "mp3", "m4a", "ogg", "wav", "mp4", "m4v", "webm", "ogv", "wmv", "flv",
];

/// One opening, closing or self-closing tag as written.
#[derive(Debug)]
struct Tag<'a> {
    name: &'a str,
    closing: bool,
    self_closing: bool,
    attrs: Vec<(String, String)>,
    /// Bytes the tag takes in the text, brackets included.
    len: usize,
}

/// Parses the tag at the start of `text` (which starts with `[`), if it has a tag's shape.
fn tag_at(text: &str) -> Option<Tag<'_>> {
    let rest = text.strip_prefix('[')?;
    let (closing, rest) = match rest.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    let name = &rest[..name_len];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let after = &rest[name_len..];
    // The attribute list ends at the first `]` outside quotes; a `[` before it means
    // this was no tag.
    let mut quote = None;
    let mut end = None;
    for (i, c) in after.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, ']') => {
                end = Some(i);
                break;
            }
            (None, '[' | '\n') => return None,
            _ => {}
        }
    }
    let end = end?;
    let inside = &after[..end];
    if !inside.is_empty() && !inside.starts_with(char::is_whitespace) && inside != "/" {
        return None;
    }
    let (inside, self_closing) = match inside.trim_end().strip_suffix('/') {
        Some(i) => (i, true),
        None => (inside, false),
    };
    Some(Tag {
        name,
        closing,
        self_closing,
        attrs: attributes(inside),
        len: 1 + usize::from(closing) + name_len + end + 1,
    })
}

/// `key="value" key='value' key=value value`, as WordPress's `shortcode_parse_atts`
/// reads them; a bare value gets its position as its key.
fn attributes(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    let mut position = 0;
    while !rest.is_empty() {
        let key_len = rest
            .find(|c: char| c.is_whitespace() || c == '=')
            .unwrap_or(rest.len());
        let (key, after) = rest.split_at(key_len);
        let after_key = after.trim_start();
        let (key, value, tail) = if let Some(v) = after_key.strip_prefix('=') {
            let v = v.trim_start();
            let (value, tail) = quoted(v);
            (key.to_ascii_lowercase(), value, tail)
        } else {
            let (value, tail) = quoted(rest);
            position += 1;
            ((position - 1).to_string(), value, tail)
        };
        out.push((key, value.to_owned()));
        if tail.len() == rest.len() {
            break;
        }
        rest = tail.trim_start();
    }
    out
}

/// A value quoted with `"` or `'`, or up to the next space; and what follows it.
fn quoted(text: &str) -> (&str, &str) {
    for q in ['"', '\''] {
        if let Some(v) = text.strip_prefix(q) {
            return match v.find(q) {
                Some(end) => (&v[..end], &v[end + 1..]),
                None => (v, ""),
            };
        }
    }
    let end = text.find(char::is_whitespace).unwrap_or(text.len());
    (&text[..end], &text[end..])
}

/// Where the `[/name]` closing the tag opened just before `text` starts, if any:
/// the content's length and the closing tag's.
fn closing_of(text: &str, name: &str) -> Option<(usize, usize)> {
    let needle = format!("[/{name}]");
    text.find(&needle).map(|at| (at, needle.len()))
}

fn attr<'a>(tag: &'a Tag<'_>, key: &str) -> Option<&'a str> {
    tag.attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

/// Whether a tag named `name` is taken for a shortcode rather than text in brackets:
/// WordPress's own, or one with attributes, a closing tag, or a plugin's name shape.
fn is_shortcode(tag: &Tag<'_>, has_closing: bool) -> bool {
    let name = tag.name.to_ascii_lowercase();
    KNOWN.contains(&name.as_str())
        || has_closing
        || tag.attrs.iter().any(|(k, _)| k.parse::<usize>().is_err())
        || tag.self_closing
        || name.contains(['_', '-'])
}

/// A link to `url` as a paragraph of its own, or nothing when it is no web address.
fn link_paragraph(url: &str) -> String {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/')) {
        return String::new();
    }
    let url = escape_text(url);
    format!("\n\n<p><a href=\"{url}\">{url}</a></p>\n\n")
}

/// The HTML a shortcode stands for; its content has been converted already.
fn render(tag: &Tag<'_>, content: Option<&str>) -> String {
    match tag.name.to_ascii_lowercase().as_str() {
        "caption" | "wp_caption" => {
            let content = content.unwrap_or_default().trim();
            // The caption follows the image (or its link) unless given as an attribute.
            let (media, caption) = match attr(tag, "caption") {
                Some(caption) => (content, escape_text(caption)),
                None => match content.rfind('>') {
                    Some(at) => (&content[..=at], content[at + 1..].trim().to_owned()),
                    None => ("", content.to_owned()),
                },
            };
            let caption = if caption.is_empty() {
                String::new()
            } else {
                format!("<figcaption>{caption}</figcaption>")
            };
            format!("\n\n<figure>{media}{caption}</figure>\n\n")
        }
        "embed" => link_paragraph(content.unwrap_or_default()),
        "audio" | "video" => MEDIA_SOURCES
            .iter()
            .find_map(|key| attr(tag, key))
            .or(content)
            .map(link_paragraph)
            .unwrap_or_default(),
        // Images are brought over later with their uploads; a gallery names only ids.
        "gallery" | "playlist" => String::new(),
        // Someone else's shortcode: its markup goes, the words it wraps stay.
        _ => content.unwrap_or_default().to_owned(),
    }
}

/// Replaces every shortcode in `text` by its HTML or by nothing. `[[name]]` is how
/// WordPress writes a shortcode's name literally, and comes out as `[name]`.
pub fn convert(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(inner) = rest.strip_prefix('[')
            && let Some(tag) = tag_at(inner)
            && inner[tag.len..].starts_with(']')
        {
            out.push_str(&inner[..tag.len]);
            rest = &inner[tag.len + 1..];
            continue;
        }
        let Some(tag) = tag_at(rest) else {
            out.push('[');
            rest = &rest[1..];
            continue;
        };
        let after = &rest[tag.len..];
        let closing = if tag.closing || tag.self_closing {
            None
        } else {
            closing_of(after, tag.name)
        };
        if !is_shortcode(&tag, closing.is_some()) {
            out.push('[');
            rest = &rest[1..];
            continue;
        }
        if tag.closing {
            // A stray closing tag of a shortcode: nothing to show.
            rest = after;
            continue;
        }
        match closing {
            Some((content_len, closing_len)) => {
                let content = convert(&after[..content_len]);
                out.push_str(&render(&tag, Some(&content)));
                rest = &after[content_len + closing_len..];
            }
            None => {
                out.push_str(&render(&tag, None));
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caption_becomes_a_figure_with_its_caption() {
        let html = convert(
            "[caption id=\"attachment_6\" align=\"alignright\" width=\"300\"]<img src=\"/a.jpg\" alt=\"A\" /> The harbour at dawn[/caption]",
        );
        assert_eq!(
            html.trim(),
            "<figure><img src=\"/a.jpg\" alt=\"A\" /><figcaption>The harbour at dawn</figcaption></figure>"
        );
        let html = convert("[caption caption=\"At dawn\"]<img src=\"/a.jpg\">[/caption]");
        assert_eq!(
            html.trim(),
            "<figure><img src=\"/a.jpg\"><figcaption>At dawn</figcaption></figure>"
        );
    }

    #[test]
    fn embeds_audio_and_video_become_links_and_galleries_go() {
        assert_eq!(
            convert("[embed]https://example.com/v?x=1&y=2[/embed]").trim(),
            "<p><a href=\"https://example.com/v?x=1&#38;y=2\">https://example.com/v?x=1&#38;y=2</a></p>"
        );
        assert!(
            convert("[audio mp3=\"https://e.com/a.mp3\"][/audio]")
                .contains("href=\"https://e.com/a.mp3\"")
        );
        assert!(
            convert("[video src='https://e.com/v.mp4']").contains("href=\"https://e.com/v.mp4\"")
        );
        assert_eq!(
            convert("Before [gallery ids=\"1,2,3\"] after"),
            "Before  after"
        );
        assert_eq!(convert("[embed]javascript:alert(1)[/embed]"), "");
    }

    #[test]
    fn unknown_shortcodes_go_and_keep_the_words_they_wrap() {
        assert_eq!(convert("a [contact-form-7 id=\"3\"] b"), "a  b");
        assert_eq!(convert("[su_box title=\"x\"]Keep me[/su_box]"), "Keep me");
        assert_eq!(convert("x [/su_box] y"), "x  y");
        assert_eq!(convert("[foo/] done"), " done");
        assert_eq!(convert("[box]inside[/box]"), "inside");
    }

    #[test]
    fn text_in_brackets_that_is_no_shortcode_stays() {
        for text in [
            "He said [sic] so.",
            "A note[1] here.",
            "[Editor's note: updated]",
            "[ ]",
            "Array [0] and [a:1:{}]",
            "an [unclosed bracket",
        ] {
            assert_eq!(convert(text), text);
        }
    }

    #[test]
    fn a_doubled_bracket_writes_a_shortcode_literally() {
        assert_eq!(convert("Use [[gallery]] to"), "Use [gallery] to");
    }

    #[test]
    fn nested_shortcodes_are_converted_inside_out() {
        let html = convert("[box][caption]<img src=\"/a.jpg\"> Cap[/caption][/box]");
        assert!(html.contains("<figcaption>Cap</figcaption>"), "{html}");
        assert!(!html.contains('['), "{html}");
    }
}
