//! The demo site: editions and sections in `demo/site.toml`, items as Markdown
//! with TOML front matter between `+++` lines, one file per edition.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use serde::Deserialize;
use thiserror::Error;

use super::ShapeError;
use crate::domain::{Edition, EditionCode, ItemKind, time};
use crate::newsroom::{Batch, Filing, Related, SectionRef};

/// The part of the system the demo loader files as, named in revisions and the audit log.
pub const ACTOR: &str = "demo";

/// The demo files built into the binary: the site file and one item file per edition.
const SITE: &str = include_str!("../../demo/site.toml");
const EDITIONS: &[(&str, &str)] = &[
    ("en.md", include_str!("../../demo/en.md")),
    ("az.md", include_str!("../../demo/az.md")),
];

/// A demo file that does not parse; the message names the file and line.
#[derive(Debug, Error)]
#[error("{file}: {error}")]
pub struct DemoError {
    /// Which file.
    pub file: String,
    /// Where in it and what.
    pub error: ShapeError,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    edition: Vec<EditionEntry>,
    #[serde(default)]
    section: Vec<SectionEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EditionEntry {
    code: String,
    name: String,
    outlet: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionEntry {
    edition: String,
    slug: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    #[serde(rename = "ref")]
    reference: Option<String>,
    kind: String,
    headline: String,
    dek: Option<String>,
    section: String,
    published: String,
    #[serde(default)]
    authors: Vec<String>,
    outlet: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    related: Option<String>,
    #[serde(default)]
    pinned: bool,
}

/// The built-in demo site as one batch.
pub fn builtin(zone: &TimeZone) -> Result<Batch, DemoError> {
    parse(SITE, EDITIONS, zone)
}

/// Parses a site file and item files (named by edition code, `en.md`) into one batch.
pub fn parse(site: &str, files: &[(&str, &str)], zone: &TimeZone) -> Result<Batch, DemoError> {
    let site_error = |error| DemoError {
        file: "site.toml".into(),
        error,
    };
    let site: SiteFile = toml::from_str(site).map_err(|e| site_error(toml_error(site, 0, &e)))?;
    let mut batch = Batch::default();
    for e in site.edition {
        let code = EditionCode::parse(&e.code)
            .map_err(|err| site_error(ShapeError::at(1, err.to_string(), Some(&e.code))))?;
        batch.editions.push(Edition {
            code,
            name: e.name,
            outlet: e.outlet,
        });
    }
    batch.sections = site
        .section
        .into_iter()
        .map(|s| (s.edition, s.slug, s.name))
        .collect();
    for (name, text) in files {
        let edition = name.trim_end_matches(".md");
        let filings = parse_items(edition, text, zone).map_err(|error| DemoError {
            file: (*name).to_owned(),
            error,
        })?;
        batch.filings.extend(filings);
    }
    Ok(batch)
}

fn toml_error(text: &str, first_line: usize, err: &toml::de::Error) -> ShapeError {
    let line = err.span().map_or(0, |span| {
        text[..span.start.min(text.len())].matches('\n').count()
    });
    ShapeError {
        line: first_line + line + 1,
        expected: "valid front matter".into(),
        found: err.message().to_owned(),
    }
}

/// One item block: front matter starting at `line`, then its Markdown body.
struct Block {
    line: usize,
    front: String,
    body: String,
}

fn blocks(text: &str) -> Result<Vec<Block>, ShapeError> {
    let mut blocks = Vec::new();
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).peekable();
    while let Some((number, line)) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        if line.trim_end() != "+++" {
            return Err(ShapeError::at(
                number,
                "\"+++\" opening an item's front matter",
                Some(line),
            ));
        }
        let mut front = String::new();
        loop {
            match lines.next() {
                Some((_, l)) if l.trim_end() == "+++" => break,
                Some((_, l)) => {
                    front.push_str(l);
                    front.push('\n');
                }
                None => {
                    return Err(ShapeError::at(
                        number,
                        "\"+++\" closing the front matter opened here",
                        None,
                    ));
                }
            }
        }
        let mut body = String::new();
        while let Some((_, l)) = lines.next_if(|(_, l)| l.trim_end() != "+++") {
            body.push_str(l);
            body.push('\n');
        }
        blocks.push(Block {
            line: number,
            front,
            body,
        });
    }
    Ok(blocks)
}

fn parse_items(edition: &str, text: &str, zone: &TimeZone) -> Result<Vec<Filing>, ShapeError> {
    let mut filings = Vec::new();
    let mut refs: HashMap<String, usize> = HashMap::new();
    let mut wanted: Vec<(usize, usize, String)> = Vec::new();
    for block in blocks(text)? {
        let fm: FrontMatter =
            toml::from_str(&block.front).map_err(|e| toml_error(&block.front, block.line, &e))?;
        let bad = |expected: String, found: &str| ShapeError::at(block.line, expected, Some(found));
        let kind = ItemKind::parse(&fm.kind).map_err(|e| bad(e.to_string(), &fm.kind))?;
        let published_at = time::parse_local(&fm.published, zone)
            .map_err(|_| bad("published = \"YYYY-MM-DD HH:MM\"".into(), &fm.published))?;
        let index = filings.len();
        if let Some(reference) = fm.reference
            && refs.insert(reference.clone(), index).is_some()
        {
            return Err(bad("a ref no other item uses".into(), &reference));
        }
        if let Some(target) = fm.related {
            wanted.push((index, block.line, target));
        }
        filings.push(Filing {
            edition: edition.to_owned(),
            section: SectionRef::Slug(fm.section),
            kind,
            headline: fm.headline,
            dek: fm.dek,
            body: block.body,
            authors: fm.authors,
            outlet: fm.outlet,
            tags: fm.tags,
            related: None,
            pinned: fm.pinned,
            published_at,
            source_key: Some(format!("demo:{edition}:{index}")),
            lead_media: None,
        });
    }
    let mut related: HashMap<usize, usize> = HashMap::new();
    for (index, line, target) in wanted {
        let target_index = *refs.get(&target).ok_or_else(|| {
            ShapeError::at(
                line,
                "related = the ref of another item in this file",
                Some(&target),
            )
        })?;
        if target_index == index {
            return Err(ShapeError::at(
                line,
                "an item other than itself as related",
                Some(&target),
            ));
        }
        related.insert(index, target_index);
    }
    Ok(order_related_first(filings, &related))
}

/// Reorders filings so every related item is filed before the item pointing at it.
fn order_related_first(filings: Vec<Filing>, related: &HashMap<usize, usize>) -> Vec<Filing> {
    let mut order = Vec::with_capacity(filings.len());
    let mut placed = vec![false; filings.len()];
    for start in 0..filings.len() {
        // Follow the chain of related items down to one already placed (or a cycle).
        let mut chain = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if placed[i] || chain.contains(&i) {
                break;
            }
            chain.push(i);
            at = related.get(&i).copied();
        }
        for i in chain.into_iter().rev() {
            placed[i] = true;
            order.push(i);
        }
    }
    let position: HashMap<usize, usize> = order.iter().enumerate().map(|(p, i)| (*i, p)).collect();
    let mut slots: Vec<Option<Filing>> = filings.into_iter().map(Some).collect();
    order
        .iter()
        .map(|&i| {
            let mut filing = slots[i]
                .take()
                .unwrap_or_else(|| unreachable!("each index placed once"));
            filing.related = related
                .get(&i)
                .map(|t| position[t])
                .filter(|p| *p < position[&i])
                .map(Related::Earlier);
            filing
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baku() -> TimeZone {
        TimeZone::get("Asia/Baku").expect("bundled")
    }

    #[test]
    fn the_builtin_demo_parses_with_its_related_items_filed_first() {
        let batch = builtin(&baku()).expect("the demo parses");
        assert!(batch.editions.iter().any(|e| e.code.as_ref() == "en"));
        for (i, f) in batch.filings.iter().enumerate() {
            if let Some(Related::Earlier(j)) = f.related {
                assert!(j < i);
            }
        }
        assert!(batch.filings.iter().any(|f| f.related.is_some()));
    }

    #[test]
    fn a_typo_in_front_matter_names_its_line() {
        let site = "[[edition]]\ncode = \"en\"\nname = \"N\"\noutlet = \"O\"\n";
        let items = "+++\nkind = \"brief\"\nheadline = \"H\"\nsection = \"s\"\npublished = \"2025-05-21 16:29\"\n+++\n\n+++\nkind = \"brief\"\nheadlin = \"H\"\n+++\n";
        let err = parse(site, &[("en.md", items)], &baku()).expect_err("typo");
        assert_eq!(err.error.line, 10, "{err}");
        assert!(err.to_string().contains("headlin"), "{err}");
    }

    #[test]
    fn an_unknown_related_ref_is_refused() {
        let site = "[[edition]]\ncode = \"en\"\nname = \"N\"\noutlet = \"O\"\n";
        let items = "+++\nkind = \"brief\"\nheadline = \"H\"\nsection = \"s\"\npublished = \"2025-05-21 16:29\"\nrelated = \"nope\"\n+++\n";
        let err = parse(site, &[("en.md", items)], &baku()).expect_err("unknown ref");
        assert!(err.to_string().contains("nope"), "{err}");
    }
}
