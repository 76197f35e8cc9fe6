//! A deterministic synthetic corpus of realistic size and shape, for benchmarks.

use jiff::{SignedDuration, Timestamp};

use std::collections::HashMap;

use crate::domain::{AuthorId, Edition, EditionCode, ItemKind, SectionId, Slug, TagId};
use crate::newsroom::{Batch, Filing, SectionRef};
use crate::store::{BulkItem, Entity, Store, StoreResult};

use super::vocabulary::Vocabulary;

/// Editions of the corpus with their languages' words.
const EDITIONS: &[(&str, &str, &[&str])] = &[
    (
        "en",
        "Newsline",
        &[
            "government",
            "minister",
            "talks",
            "agreement",
            "economy",
            "growth",
            "region",
            "security",
            "cooperation",
            "energy",
            "project",
            "visit",
            "delegation",
            "forum",
            "culture",
            "festival",
            "market",
            "investment",
            "education",
            "health",
            "parliament",
            "election",
            "reform",
            "budget",
            "city",
            "people",
            "report",
            "statement",
            "meeting",
            "development",
            "transport",
            "corridor",
        ],
    ),
    (
        "az",
        "Xəbər xətti",
        &[
            "hökumət",
            "nazir",
            "danışıqlar",
            "saziş",
            "iqtisadiyyat",
            "artım",
            "region",
            "təhlükəsizlik",
            "əməkdaşlıq",
            "enerji",
            "layihə",
            "səfər",
            "nümayəndə",
            "forum",
            "mədəniyyət",
            "festival",
            "bazar",
            "investisiya",
            "təhsil",
            "səhiyyə",
            "parlament",
            "seçki",
            "islahat",
            "büdcə",
            "şəhər",
            "insanlar",
            "hesabat",
            "bəyanat",
            "görüş",
            "inkişaf",
            "nəqliyyat",
            "dəhliz",
        ],
    ),
    (
        "ru",
        "Лента",
        &[
            "правительство",
            "министр",
            "переговоры",
            "соглашение",
            "экономика",
            "рост",
            "регион",
            "безопасность",
            "сотрудничество",
            "энергия",
            "проект",
            "визит",
            "делегация",
            "форум",
            "культура",
            "фестиваль",
            "рынок",
            "инвестиции",
            "образование",
            "здоровье",
            "парламент",
            "выборы",
            "реформа",
            "бюджет",
            "город",
            "люди",
            "доклад",
            "заявление",
            "встреча",
            "развитие",
            "транспорт",
            "коридор",
        ],
    ),
];

/// Sections per edition.
const SECTIONS: usize = 12;
/// Authors across the site.
const AUTHORS: usize = 300;
/// Tags per edition.
const TAGS: usize = 150;

/// xorshift64*: tiny, fast and the same on every machine, which is all a corpus needs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The topical words an edition's corpus has always used; the vocabulary keeps them
/// as its most common content words.
pub(super) fn topical(code: &str) -> Vec<&'static str> {
    EDITIONS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, _, words)| words.to_vec())
        .unwrap_or_default()
}

/// Appends a sentence of `shortest` to `shortest + spread - 1` words drawn by Zipf's
/// law, capitalised, one in three naming a person or a place. Everything is written
/// into one buffer: a million items are tens of millions of words, and a string per
/// word or sentence was most of the generator's time.
fn sentence_into(
    out: &mut String,
    rng: &mut Rng,
    words: &Vocabulary,
    shortest: usize,
    spread: usize,
) {
    let length = shortest + rng.below(spread);
    let proper = (rng.below(3) == 0).then(|| rng.below(length));
    for i in 0..length {
        let word = if proper == Some(i) {
            words.proper(rng.next())
        } else {
            let (a, b) = (rng.next(), rng.next());
            words.draw(a, b)
        };
        if i == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
}

/// The editions and sections of the corpus.
pub fn skeleton() -> Batch {
    let mut batch = Batch::default();
    for (code, name, _) in EDITIONS {
        if let Ok(code) = EditionCode::parse(code) {
            batch.editions.push(Edition::new(code, *name, *name));
        }
        for s in 0..SECTIONS {
            batch.sections.push((
                (*code).to_owned(),
                format!("section-{s}"),
                format!("Section {s}"),
            ));
        }
    }
    batch
}

/// One item of the corpus, before it takes the shape of a filing or a bulk row.
struct Sample {
    n: usize,
    edition: &'static str,
    brief: bool,
    headline: String,
    paragraphs: Vec<String>,
    section: usize,
    author: usize,
    tags: Vec<usize>,
    at: Timestamp,
    pinned: bool,
}

/// Item `n` of `total`; the same numbers always give the same item. With `body_bytes`
/// an article's body grows to about that many bytes, so corpora that differ only in
/// their text can be compared.
fn sample(n: usize, total: usize, body_bytes: Option<usize>) -> Sample {
    // Spread over five years, newest now-ish but fixed, so runs compare.
    let newest: Timestamp = "2025-06-01T00:00:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let span = SignedDuration::from_hours(24 * 365 * 5);
    let step = span.as_secs() / total.max(1) as i64;
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64).wrapping_mul(0x1000_0000_01b3));
    let (edition, _, _) = EDITIONS[n % EDITIONS.len()];
    let words = super::vocabulary::of(edition);
    let brief = rng.below(5) == 0;
    let mut headline = String::with_capacity(160);
    sentence_into(&mut headline, &mut rng, words, 6, 6);
    headline.push(' ');
    headline.push_str(&n.to_string());
    let paragraph = |rng: &mut Rng| {
        let mut out = String::with_capacity(1024);
        for s in 0..3 + rng.below(4) {
            if s > 0 {
                out.push(' ');
            }
            sentence_into(&mut out, rng, words, 8, 12);
            out.push('.');
        }
        out
    };
    let mut paragraphs = Vec::new();
    if !brief {
        match body_bytes {
            None => {
                for _ in 0..4 + rng.below(5) {
                    paragraphs.push(paragraph(&mut rng));
                }
            }
            Some(bytes) => {
                let mut length = 0;
                while length < bytes {
                    let p = paragraph(&mut rng);
                    length += p.len() + 2;
                    paragraphs.push(p);
                }
            }
        }
    }
    let author = rng.below(AUTHORS);
    let tags = (0..rng.below(4)).map(|_| rng.below(TAGS)).collect();
    Sample {
        n,
        edition,
        brief,
        headline,
        paragraphs,
        section: rng.below(SECTIONS),
        author,
        tags,
        at: newest - SignedDuration::from_secs(step * (total - n) as i64),
        pinned: n + 5 >= total,
    }
}

fn author_name(n: usize) -> String {
    format!("Author {n}")
}

fn tag_name(n: usize) -> String {
    format!("Tag {n}")
}

/// Items `from..to` of the corpus; the same numbers always give the same items.
pub fn items(from: usize, to: usize, total: usize) -> Vec<Filing> {
    (from..to)
        .map(|n| {
            let s = sample(n, total, None);
            Filing {
                kind: if s.brief {
                    ItemKind::Brief
                } else {
                    ItemKind::Article
                },
                body: s.paragraphs.join("\n\n"),
                authors: if s.brief {
                    Vec::new()
                } else {
                    vec![author_name(s.author)]
                },
                tags: s.tags.iter().map(|t| tag_name(*t)).collect(),
                pinned: s.pinned,
                source_key: Some(format!("bench:{}", s.n)),
                ..Filing::brief(
                    s.edition,
                    SectionRef::Slug(format!("section-{}", s.section)),
                    &s.headline,
                    s.at,
                )
            }
        })
        .collect()
}

/// The ids the corpus's names were given in the store.
#[derive(Debug, Default)]
pub struct Ids {
    sections: HashMap<(String, String), SectionId>,
    authors: Vec<AuthorId>,
    tags: HashMap<String, Vec<TagId>>,
}

/// Adds the corpus's authors and tags (the skeleton must be filed first) in one
/// transaction with one change-log entry, and returns every id the items refer to.
pub async fn taxonomy(store: &Store) -> StoreResult<Ids> {
    let mut ids = Ids::default();
    for s in store.sections().await? {
        ids.sections
            .insert((s.edition.to_string(), s.slug.to_string()), s.id);
    }
    let mut w = store.begin(jiff::Timestamp::now()).await?;
    for n in 0..AUTHORS {
        let name = author_name(n);
        let slug = Slug::from_text(&name, "author");
        ids.authors
            .push(w.insert_author(slug.as_ref(), &name).await?);
    }
    for (code, _, _) in EDITIONS {
        let Ok(edition) = EditionCode::parse(code) else {
            continue;
        };
        let mut tags = Vec::with_capacity(TAGS);
        for n in 0..TAGS {
            let name = tag_name(n);
            let slug = Slug::from_text(&name, "tag");
            tags.push(w.insert_tag(&edition, slug.as_ref(), &name).await?);
        }
        ids.tags.insert((*code).to_owned(), tags);
    }
    w.append_change(Entity::Taxonomy, "bench", "created")
        .await?;
    w.commit().await?;
    Ok(ids)
}

/// Items `from..to` of the corpus as bulk rows, their bodies rendered as the Markdown
/// renderer renders plain paragraphs (a test holds the two together), since sanitizing
/// a million synthetic bodies would take longer than storing them.
pub fn bulk(
    from: usize,
    to: usize,
    total: usize,
    body_bytes: Option<usize>,
    ids: &Ids,
) -> Vec<BulkItem> {
    (from..to)
        .filter_map(|n| {
            let s = sample(n, total, body_bytes);
            let section = *ids
                .sections
                .get(&(s.edition.to_owned(), format!("section-{}", s.section)))?;
            let tags = ids.tags.get(s.edition);
            let mut tag_ids: Vec<TagId> = s
                .tags
                .iter()
                .filter_map(|t| tags.and_then(|all| all.get(*t)).copied())
                .collect();
            // The same tag drawn twice is one link, as the newsroom files it.
            let mut seen = std::collections::HashSet::new();
            tag_ids.retain(|t| seen.insert(*t));
            let kind = if s.brief {
                ItemKind::Brief
            } else {
                ItemKind::Article
            };
            Some(BulkItem {
                edition: s.edition.to_owned(),
                kind,
                slug: Slug::from_text(&s.headline, kind.as_str()).to_string(),
                body_markdown: s.paragraphs.join("\n\n"),
                // The generated paragraphs are plain words: the first is its own text.
                summary: s.paragraphs.first().cloned().unwrap_or_default(),
                body_html: html_of(&s.paragraphs),
                headline: s.headline,
                section,
                authors: if s.brief {
                    Vec::new()
                } else {
                    ids.authors.get(s.author).copied().into_iter().collect()
                },
                tags: tag_ids,
                pinned: s.pinned,
                published_at: s.at,
                source_key: format!("bench:{n}"),
            })
        })
        .collect()
}

/// Plain paragraphs as the Markdown renderer renders them, in one allocation.
fn html_of(paragraphs: &[String]) -> String {
    let length = paragraphs.iter().map(|p| p.len() + 8).sum();
    let mut html = String::with_capacity(length);
    for p in paragraphs {
        html.push_str("<p>");
        html.push_str(p);
        html.push_str("</p>\n");
    }
    html
}

/// The corpus in chunks of `chunk` items, made on a blocking thread while the caller
/// stores the previous chunk: generating and writing overlap, and the bounded channel
/// holds at most two chunks in waiting, so memory stays flat whatever the total.
pub fn chunks(
    total: usize,
    chunk: usize,
    body_bytes: Option<usize>,
    ids: Ids,
) -> tokio::sync::mpsc::Receiver<(usize, Vec<BulkItem>)> {
    let (send, receive) = tokio::sync::mpsc::channel(2);
    tokio::task::spawn_blocking(move || {
        let mut from = 0;
        while from < total {
            let to = (from + chunk.max(1)).min(total);
            // A closed channel means the writer stopped on an error it reports itself.
            if send
                .blocking_send((to, bulk(from, to, total, body_bytes, &ids)))
                .is_err()
            {
                return;
            }
            from = to;
        }
    });
    receive
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_corpus_is_the_same_every_time_and_spans_editions_and_kinds() {
        let a = items(0, 50, 1000);
        let b = items(0, 50, 1000);
        assert_eq!(
            a.iter().map(|f| &f.headline).collect::<Vec<_>>(),
            b.iter().map(|f| &f.headline).collect::<Vec<_>>()
        );
        assert!(a.iter().any(|f| f.kind == ItemKind::Brief));
        assert!(a.iter().any(|f| f.edition == "az") && a.iter().any(|f| f.edition == "ru"));
        assert!(
            a.iter()
                .filter(|f| f.kind == ItemKind::Article)
                .all(|f| f.body.len() > 300)
        );
        assert!(a.windows(2).all(|w| w[0].published_at < w[1].published_at));
    }

    #[test]
    fn bulk_bodies_are_what_the_markdown_renderer_makes_of_them() {
        let ids = Ids {
            sections: (0..SECTIONS)
                .map(|s| (("en".to_owned(), format!("section-{s}")), s as i64))
                .collect(),
            ..Ids::default()
        };
        let rows = bulk(0, 30, 1000, None, &ids);
        assert!(rows.iter().any(|r| !r.body_html.is_empty()));
        for row in rows {
            assert_eq!(
                row.body_html,
                crate::domain::render_markdown(&row.body_markdown)
            );
        }
    }

    #[tokio::test]
    async fn chunks_hold_the_whole_corpus_in_order() {
        let ids = Ids {
            sections: (0..SECTIONS)
                .map(|s| (("en".to_owned(), format!("section-{s}")), s as i64))
                .collect(),
            ..Ids::default()
        };
        let whole = bulk(0, 95, 95, None, &ids);
        let mut receive = chunks(95, 20, None, ids);
        let mut got = Vec::new();
        let mut ends = Vec::new();
        while let Some((to, rows)) = receive.recv().await {
            ends.push(to);
            got.extend(rows);
        }
        assert_eq!(ends, [20, 40, 60, 80, 95]);
        let keys = |rows: &[BulkItem]| {
            rows.iter()
                .map(|r| r.source_key.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(keys(&got), keys(&whole));
    }

    #[test]
    fn body_bytes_sets_the_size_of_article_bodies() {
        for bytes in [3_000, 30_000] {
            let articles: Vec<Sample> = (0..30)
                .map(|n| sample(n, 1000, Some(bytes)))
                .filter(|s| !s.brief)
                .collect();
            assert!(!articles.is_empty());
            for s in articles {
                let length = s.paragraphs.join("\n\n").len();
                assert!(
                    (bytes..bytes + 2_000).contains(&length),
                    "{length} for {bytes}"
                );
            }
        }
    }
}
