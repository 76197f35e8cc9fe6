//! A deterministic synthetic corpus of realistic size and shape, for benchmarks.

use jiff::{SignedDuration, Timestamp};

use crate::domain::{Edition, EditionCode, ItemKind};
use crate::newsroom::{Batch, Filing, SectionRef};

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

fn sentence(rng: &mut Rng, words: &[&str], shortest: usize, spread: usize) -> String {
    let length = shortest + rng.below(spread);
    let mut out = String::new();
    for i in 0..length {
        let word = words[rng.below(words.len())];
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
    out
}

/// The editions and sections of the corpus.
pub fn skeleton() -> Batch {
    let mut batch = Batch::default();
    for (code, name, _) in EDITIONS {
        if let Ok(code) = EditionCode::parse(code) {
            batch.editions.push(Edition {
                code,
                name: (*name).to_owned(),
                outlet: (*name).to_owned(),
            });
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

/// Items `from..to` of the corpus; the same numbers always give the same items.
pub fn items(from: usize, to: usize, total: usize) -> Vec<Filing> {
    // Spread over five years, newest now-ish but fixed, so runs compare.
    let newest: Timestamp = "2025-06-01T00:00:00Z"
        .parse()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let span = SignedDuration::from_hours(24 * 365 * 5);
    let step = span.as_secs() / total.max(1) as i64;
    (from..to)
        .map(|n| {
            let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ (n as u64).wrapping_mul(0x1000_0000_01b3));
            let (code, _, words) = EDITIONS[n % EDITIONS.len()];
            let brief = rng.below(5) == 0;
            let headline = format!("{} {n}", sentence(&mut rng, words, 6, 6));
            let body = if brief {
                String::new()
            } else {
                (0..4 + rng.below(5))
                    .map(|_| {
                        (0..3 + rng.below(4))
                            .map(|_| format!("{}.", sentence(&mut rng, words, 8, 12)))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect::<Vec<_>>()
                    .join("\n\n")
            };
            let author = rng.below(AUTHORS);
            let at = newest - SignedDuration::from_secs(step * (total - n) as i64);
            Filing {
                kind: if brief {
                    ItemKind::Brief
                } else {
                    ItemKind::Article
                },
                body,
                authors: if brief {
                    Vec::new()
                } else {
                    vec![format!("Author {author}")]
                },
                tags: (0..rng.below(4))
                    .map(|_| format!("Tag {}", rng.below(TAGS)))
                    .collect(),
                pinned: n + 5 >= total,
                source_key: Some(format!("bench:{n}")),
                ..Filing::brief(
                    code,
                    SectionRef::Slug(format!("section-{}", rng.below(SECTIONS))),
                    &headline,
                    at,
                )
            }
        })
        .collect()
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
}
