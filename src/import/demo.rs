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

/// The login of the demo site's editor account, made with a new password at each
/// `serve --demo`.
pub const EDITOR: &str = "demo-editor";

/// The demo files built into the binary: the site file and one item file per edition.
const SITE: &str = include_str!("../../demo/site.toml");
const EDITIONS: &[(&str, &str)] = &[
    ("en.md", include_str!("../../demo/en.md")),
    ("az.md", include_str!("../../demo/az.md")),
    ("ru.md", include_str!("../../demo/ru.md")),
];

/// The demo site: its batch, and which items translate which, by source key (the
/// translation first), linked once the batch is filed.
#[derive(Debug, Clone)]
pub struct Demo {
    /// Editions, sections and items.
    pub batch: Batch,
    /// (translation, translated) source keys.
    pub translations: Vec<(String, String)>,
}

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
    /// `EDITION:REF` of the item in another edition this one translates.
    translation_of: Option<String>,
    #[serde(default)]
    pinned: bool,
}

/// The built-in demo site.
pub fn builtin(zone: &TimeZone) -> Result<Demo, DemoError> {
    parse(SITE, EDITIONS, zone)
}

/// Files the demo site as the demo loader and links its translations; all of it is
/// stored, or (when the batch is refused) none of it.
pub async fn load(
    newsroom: &crate::newsroom::Newsroom,
    demo: &Demo,
) -> Result<Vec<crate::newsroom::Filed>, crate::newsroom::NewsroomError> {
    let actor = crate::newsroom::Actor::system(ACTOR);
    let filed = newsroom.file_batch(&actor, &demo.batch).await?;
    newsroom
        .link_translations(&actor, &demo.translations)
        .await?;
    arrange_fronts(newsroom, &actor, demo, &filed).await?;
    Ok(filed)
}

/// Top stories each demo front page shows after its lead.
const DEMO_TOP_STORIES: usize = 3;
/// Section blocks each demo front page shows, each of its latest items.
const DEMO_BLOCKS: usize = 2;
const DEMO_BLOCK_ITEMS: usize = 4;

/// Arranges every demo edition's front page as an editor would: its first item as
/// the lead, the next ones as top stories, blocks for its first sections.
async fn arrange_fronts(
    newsroom: &crate::newsroom::Newsroom,
    actor: &crate::newsroom::Actor,
    demo: &Demo,
    filed: &[crate::newsroom::Filed],
) -> Result<(), crate::newsroom::NewsroomError> {
    use crate::domain::{Arrangement, SectionBlock};
    let ids: HashMap<&str, crate::domain::ItemId> = demo
        .batch
        .filings
        .iter()
        .zip(filed)
        .filter_map(|(f, d)| Some((f.source_key.as_deref()?, d.id())))
        .collect();
    let sections = newsroom.sections().await?;
    for edition in &demo.batch.editions {
        let code = edition.code.as_ref();
        let item = |n: usize| ids.get(format!("demo:{code}:{n}").as_str()).copied();
        let arrangement = Arrangement {
            lead: item(0),
            top: (1..=DEMO_TOP_STORIES).filter_map(item).collect(),
            sections: sections
                .iter()
                .filter(|s| s.edition == edition.code)
                .take(DEMO_BLOCKS)
                .map(|s| SectionBlock {
                    section: s.id,
                    count: DEMO_BLOCK_ITEMS,
                })
                .collect(),
        };
        if arrangement.lead.is_none() {
            continue;
        }
        newsroom
            .save_front_page(actor, code, 0, &arrangement, crate::newsroom::GoLive::Now)
            .await?;
    }
    Ok(())
}

/// Parses a site file and item files (named by edition code, `en.md`) into one batch.
pub fn parse(site: &str, files: &[(&str, &str)], zone: &TimeZone) -> Result<Demo, DemoError> {
    let site_error = |error| DemoError {
        file: "site.toml".into(),
        error,
    };
    let site: SiteFile = toml::from_str(site).map_err(|e| site_error(toml_error(site, 0, &e)))?;
    let mut batch = Batch::default();
    for e in site.edition {
        let code = EditionCode::parse(&e.code)
            .map_err(|err| site_error(ShapeError::at(1, err.to_string(), Some(&e.code))))?;
        batch.editions.push(Edition::new(code, e.name, e.outlet));
    }
    batch.sections = site
        .section
        .into_iter()
        .map(|s| (s.edition, s.slug, s.name))
        .collect();
    // Every ref of every file, as `edition:ref`, by source key.
    let mut keys: HashMap<String, String> = HashMap::new();
    let mut wanted: Vec<(&str, Translation)> = Vec::new();
    for (name, text) in files {
        let edition = name.trim_end_matches(".md");
        let parsed = parse_items(edition, text, zone).map_err(|error| DemoError {
            file: (*name).to_owned(),
            error,
        })?;
        batch.filings.extend(parsed.filings);
        keys.extend(parsed.refs);
        wanted.extend(parsed.translations.into_iter().map(|t| (*name, t)));
    }
    let mut translations = Vec::with_capacity(wanted.len());
    for (name, t) in wanted {
        let target = keys
            .get(&t.target)
            .filter(|_| !t.target.starts_with(&format!("{}:", t.edition)))
            .ok_or_else(|| DemoError {
                file: name.to_owned(),
                error: ShapeError::at(
                    t.line,
                    "translation_of = \"EDITION:REF\" of an item in another edition's file",
                    Some(&t.target),
                ),
            })?;
        translations.push((t.key, target.clone()));
    }
    Ok(Demo {
        batch,
        translations,
    })
}

/// An item's `translation_of`, to resolve once every file is read.
struct Translation {
    line: usize,
    edition: String,
    key: String,
    target: String,
}

/// One item file, read.
struct Parsed {
    filings: Vec<Filing>,
    /// `edition:ref` to source key.
    refs: Vec<(String, String)>,
    translations: Vec<Translation>,
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

fn parse_items(edition: &str, text: &str, zone: &TimeZone) -> Result<Parsed, ShapeError> {
    let mut filings = Vec::new();
    let mut translations = Vec::new();
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
        if let Some(target) = fm.translation_of {
            translations.push(Translation {
                line: block.line,
                edition: edition.to_owned(),
                key: format!("demo:{edition}:{index}"),
                target,
            });
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
    let refs = refs
        .into_iter()
        .map(|(r, index)| (format!("{edition}:{r}"), format!("demo:{edition}:{index}")))
        .collect();
    Ok(Parsed {
        filings: order_related_first(filings, &related),
        refs,
        translations,
    })
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
        let demo = builtin(&baku()).expect("the demo parses");
        let batch = &demo.batch;
        for code in ["en", "az", "ru"] {
            assert!(batch.editions.iter().any(|e| e.code.as_ref() == code));
        }
        for (i, f) in batch.filings.iter().enumerate() {
            if let Some(Related::Earlier(j)) = f.related {
                assert!(j < i);
            }
        }
        assert!(batch.filings.iter().any(|f| f.related.is_some()));
    }

    #[test]
    fn the_demo_story_is_translated_in_every_edition() {
        let demo = builtin(&baku()).expect("the demo parses");
        let mut translating: Vec<&str> = demo
            .translations
            .iter()
            .filter(|(_, of)| of == "demo:en:0")
            .map(|(key, _)| key.as_str())
            .collect();
        translating.sort();
        assert_eq!(translating, ["demo:az:0", "demo:ru:0"]);
    }

    #[test]
    fn a_translation_must_name_an_item_of_another_edition() {
        let site = "[[edition]]\ncode = \"en\"\nname = \"N\"\noutlet = \"O\"\n";
        let item = |extra: &str| {
            format!(
                "+++\nref = \"a\"\nkind = \"brief\"\nheadline = \"H\"\nsection = \"s\"\npublished = \"2025-05-21 16:29\"\n{extra}+++\n"
            )
        };
        for wrong in [
            "translation_of = \"en:a\"\n",
            "translation_of = \"az:nope\"\n",
        ] {
            let err = parse(
                site,
                &[("en.md", &item(wrong)), ("az.md", &item(""))],
                &baku(),
            )
            .expect_err(wrong);
            assert!(err.to_string().contains("translation_of"), "{err}");
        }
        let fine = parse(
            site,
            &[
                ("en.md", &item("")),
                ("az.md", &item("translation_of = \"en:a\"\n")),
            ],
            &baku(),
        )
        .expect("a translation of the other file's item");
        assert_eq!(
            fine.translations,
            [("demo:az:0".to_owned(), "demo:en:0".to_owned())]
        );
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
