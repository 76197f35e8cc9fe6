//! Plain-text copy in the shape of the seed page: headline; section and time;
//! paragraphs; `Author//Outlet`; an optional related headline; an optional
//! `News line` block of headline and time pairs.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::ShapeError;
use crate::domain::{ItemKind, escape_plain, time};
use crate::newsroom::{Batch, Filing, Related, SectionRef};

/// The part of the system `import text` files as, named in revisions and the audit log.
pub const ACTOR: &str = "import";

/// Headings that open the news line block, in the languages we publish.
const NEWS_LINE_HEADINGS: &[&str] = &["news line", "xəbər lenti", "haber akışı", "лента новостей"];
/// Labels of the link to all news that may close the block.
const ALL_LABELS: &[&str] = &["all", "hamısı", "tümü", "все", "all news"];

/// Where parsed copy goes.
#[derive(Debug, Clone)]
pub struct Destination {
    /// Edition code.
    pub edition: String,
    /// Section name for briefs of the news line, whose sections the copy does not give.
    pub brief_section: String,
}

/// One non-blank line and its 1-based number.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
}

fn lines(input: &str) -> Vec<Line<'_>> {
    input
        .trim_start_matches('\u{feff}')
        .lines()
        .enumerate()
        .map(|(i, text)| Line {
            number: i + 1,
            text: text.trim(),
        })
        // Saved pages pad with lines holding only no-break spaces; `trim` clears those.
        .filter(|l| !l.text.is_empty())
        .collect()
}

/// A byline is `Author//Outlet` (or `A, B//Outlet`) and nothing else: one pair of slashes, no URL.
fn byline(text: &str) -> Option<(Vec<String>, String)> {
    if text.matches("//").count() != 1 || text.contains("://") || text.chars().count() > 300 {
        return None;
    }
    let (authors, outlet) = text.split_once("//")?;
    let outlet = outlet.trim();
    let authors: Vec<String> = authors
        .split([',', '&'])
        .flat_map(|a| a.split(" and "))
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect();
    if authors.is_empty() || outlet.is_empty() || outlet.contains('/') {
        return None;
    }
    Some((authors, outlet.to_owned()))
}

fn is_news_line_heading(text: &str) -> bool {
    NEWS_LINE_HEADINGS.contains(&text.to_lowercase().as_str())
}

/// `Foreign Policy 16:29 21.05.2025` into the section name and the instant.
fn section_and_time(text: &str, zone: &TimeZone) -> Option<(String, Timestamp)> {
    let split = text.char_indices().rev().nth(15)?.0;
    let (section, when) = text.split_at(split);
    let section = section.strip_suffix(' ')?.trim();
    if section.is_empty() {
        return None;
    }
    let at = time::parse_display(when, zone).ok()?;
    Some((section.to_owned(), at))
}

fn source_key(edition: &str, at: Timestamp, headline: &str) -> String {
    format!("text:{edition}:{}:{headline}", at.as_second())
}

/// Parses a whole page of copy into a batch, or says which line is wrong.
pub fn parse(input: &str, zone: &TimeZone, to: &Destination) -> Result<Batch, ShapeError> {
    let lines = lines(input);
    let mut rest = lines.iter().copied().peekable();
    let end = lines.last().map_or(1, |l| l.number + 1);

    let headline = rest
        .next()
        .ok_or_else(|| ShapeError::at(1, "a headline", None))?;
    check_headline(headline)?;

    let meta = rest.next();
    let (section, published_at) = meta
        .and_then(|l| section_and_time(l.text, zone))
        .ok_or_else(|| {
            ShapeError::at(
                meta.map_or(end, |l| l.number),
                "the section and time, such as \"Foreign Policy 16:29 21.05.2025\"",
                meta.map(|l| l.text),
            )
        })?;

    let mut paragraphs = Vec::new();
    let (authors, outlet) = loop {
        match rest.next() {
            Some(line) if is_news_line_heading(line.text) => {
                return Err(ShapeError::at(
                    line.number,
                    "a byline such as \"Author//Outlet\" before the news line",
                    Some(line.text),
                ));
            }
            Some(line) => match byline(line.text) {
                Some(found) if !paragraphs.is_empty() => break found,
                Some(_) => {
                    return Err(ShapeError::at(
                        line.number,
                        "at least one paragraph before the byline",
                        Some(line.text),
                    ));
                }
                None => paragraphs.push(line.text),
            },
            None => {
                return Err(ShapeError::at(
                    end,
                    "a byline such as \"Author//Outlet\" after the paragraphs",
                    None,
                ));
            }
        }
    };

    let mut related: Option<Line<'_>> = None;
    let mut news_line_open = false;
    for line in rest.by_ref() {
        if is_news_line_heading(line.text) {
            news_line_open = true;
            break;
        }
        if related.is_some() {
            return Err(ShapeError::at(
                line.number,
                "\"News line\" or the end of the copy after the related headline",
                Some(line.text),
            ));
        }
        check_headline(line)?;
        related = Some(line);
    }

    let mut entries: Vec<(Line<'_>, Timestamp)> = Vec::new();
    if news_line_open {
        while let Some(line) = rest.next() {
            match rest.next() {
                Some(when) => {
                    let at = time::parse_display(when.text, zone).map_err(|_| {
                        ShapeError::at(
                            when.number,
                            "the time of the news line item above, such as \"17:42 21.05.2025\"",
                            Some(when.text),
                        )
                    })?;
                    check_headline(line)?;
                    entries.push((line, at));
                }
                // A last lone line may be the link to all news the page ends with.
                None if ALL_LABELS.contains(&line.text.to_lowercase().as_str()) => {}
                None => {
                    return Err(ShapeError::at(
                        end,
                        "the time of the news line item on the line before",
                        None,
                    ));
                }
            }
        }
    }

    let mut batch = Batch::default();
    let edition = to.edition.clone();
    let brief = |headline: &str, at: Timestamp| Filing {
        source_key: Some(source_key(&edition, at, headline)),
        ..Filing::brief(
            &edition,
            SectionRef::Named(to.brief_section.clone()),
            headline,
            at,
        )
    };
    if let Some(line) = related {
        // The copy gives the related item no time; place it just before everything
        // the copy does date, so it never pushes a dated item out of the news line.
        let earliest = entries
            .iter()
            .map(|(_, at)| *at)
            .chain([published_at])
            .min()
            .unwrap_or(published_at);
        let at = earliest
            .checked_sub(SignedDuration::from_mins(1))
            .unwrap_or(earliest);
        batch.filings.push(brief(line.text, at));
    }
    let mut article = Filing {
        section: SectionRef::Named(section),
        kind: ItemKind::Article,
        headline: headline.text.to_owned(),
        body: paragraphs
            .iter()
            .map(|p| escape_plain(p))
            .collect::<Vec<_>>()
            .join("\n\n"),
        authors,
        outlet: Some(outlet),
        related: related.map(|_| Related::Earlier(0)),
        pinned: false,
        ..brief(headline.text, published_at)
    };
    article.source_key = Some(source_key(&edition, published_at, headline.text));
    batch.filings.push(article);
    for (line, at) in entries {
        // The page's own article stands in its news line; it is filed once, above.
        if line.text == headline.text && at == published_at {
            continue;
        }
        batch.filings.push(brief(line.text, at));
    }
    Ok(batch)
}

fn check_headline(line: Line<'_>) -> Result<(), ShapeError> {
    crate::domain::Headline::parse(line.text)
        .map(|_| ())
        .map_err(|e| ShapeError::at(line.number, format!("a headline ({e})"), Some(line.text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baku() -> TimeZone {
        TimeZone::get("Asia/Baku").expect("bundled")
    }

    fn to() -> Destination {
        Destination {
            edition: "en".into(),
            brief_section: "Latest".into(),
        }
    }

    const COPY: &str = "Ministers meet in Baku\n\nForeign Policy 16:29 21.05.2025\n\nFirst paragraph.\n\nSecond paragraph.\n\nAyla Karimova, Rauf Aliyev//Wire\n\n\u{a0}\n\nAn older story\n\nNews line\n\nA later brief\n17:42 21.05.2025\nMinisters meet in Baku\n16:29 21.05.2025\nAn earlier brief\n12:21 19.05.2025\nAll\n";

    #[test]
    fn copy_in_the_seed_shape_becomes_an_article_a_related_item_and_briefs() {
        let batch = parse(COPY, &baku(), &to()).expect("valid copy");
        let headlines: Vec<&str> = batch.filings.iter().map(|f| f.headline.as_str()).collect();
        assert_eq!(
            headlines,
            [
                "An older story",
                "Ministers meet in Baku",
                "A later brief",
                "An earlier brief"
            ]
        );
        let article = &batch.filings[1];
        assert_eq!(article.kind, ItemKind::Article);
        assert_eq!(article.section, SectionRef::Named("Foreign Policy".into()));
        assert_eq!(article.authors, ["Ayla Karimova", "Rauf Aliyev"]);
        assert_eq!(article.outlet.as_deref(), Some("Wire"));
        assert_eq!(article.body, "First paragraph\\.\n\nSecond paragraph\\.");
        assert_eq!(article.related, Some(Related::Earlier(0)));
        assert_eq!(article.published_at.to_string(), "2025-05-21T12:29:00Z");
        assert!(batch.filings[0].published_at < batch.filings[3].published_at);
    }

    #[test]
    fn copy_without_related_item_or_news_line_is_fine() {
        let copy = "Headline\nPolitics 09:05 01.02.2024\nOnly paragraph.\nA. Writer//Outlet\n";
        let batch = parse(copy, &baku(), &to()).expect("valid");
        assert_eq!(batch.filings.len(), 1);
        assert_eq!(batch.filings[0].related, None);
    }

    fn error_of(copy: &str) -> ShapeError {
        parse(copy, &baku(), &to()).expect_err("malformed copy")
    }

    #[test]
    fn a_malformed_section_line_is_reported_with_its_number() {
        let err = error_of("Headline\n\nForeign Policy yesterday\nText.\nA//B\n");
        assert_eq!(err.line, 3);
        assert!(err.expected.contains("section and time"), "{err}");
    }

    #[test]
    fn a_missing_byline_is_reported() {
        let err = error_of("Headline\nPolitics 09:05 01.02.2024\nText.\nMore text.\n");
        assert_eq!(err.line, 5);
        assert!(err.expected.contains("byline"), "{err}");
        let err = error_of(
            "Headline\nPolitics 09:05 01.02.2024\nText.\nNews line\nX\n10:00 01.02.2024\n",
        );
        assert_eq!(err.line, 4);
    }

    #[test]
    fn a_news_line_item_without_its_time_is_reported() {
        let err = error_of(
            "H\nPolitics 09:05 01.02.2024\nText.\nA//B\nNews line\nOne\n10:00 01.02.2024\nTwo\nThree\n",
        );
        assert_eq!(err.line, 9);
        assert!(err.expected.contains("time"), "{err}");
        let err = error_of("H\nPolitics 09:05 01.02.2024\nText.\nA//B\nNews line\nOne\n");
        assert!(err.found.contains("end of the file"), "{err}");
    }

    #[test]
    fn two_lines_between_byline_and_news_line_are_refused() {
        let err = error_of("H\nPolitics 09:05 01.02.2024\nText.\nA//B\nOne\nTwo\nNews line\n");
        assert_eq!(err.line, 6);
    }

    #[test]
    fn empty_copy_and_urls_are_not_mistaken_for_bylines() {
        assert_eq!(error_of("").line, 1);
        assert_eq!(error_of("\u{a0}\n\n").expected, "a headline");
        assert!(byline("See https://example.com//x").is_none());
        assert!(byline("Madina Mammadova//EDnews").is_some());
    }
}
