//! The index's fields, and how an item becomes a document.
//!
//! Text is indexed in one group of fields per language (tantivy picks an analyzer by
//! field, and the analyzer follows the item's edition language), and within each
//! language in two visibilities: *public* fields hold published items, *desk* fields
//! everything else. A reader's query touches its language's public fields only, so it
//! needs no status filter and tantivy's top-k pruning stays in play; the newsroom asks
//! both.

use std::collections::HashMap;

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use super::analyzer::{Language, plain_text};
use crate::domain::{AuthorId, SectionId, Status, TagId};
use crate::store::IndexRow;

/// Relative weights of the text fields: headline highest, then standfirst, then the
/// body and the names around the story (section, tags, authors), which weigh the
/// same. A word in the headline or standfirst adds its field's weight to what it
/// weighs in the text of every word; an exact match adds the exact field's weight on
/// top.
///
/// The names cannot weigh less than the body: they must be in the text of every word
/// for a query to match a story by its byline and its words together, and a field of
/// the body alone, to weigh the body above them, would index the body twice.
///
/// The text weighs 1, so a word's query is a plain term query: tantivy skips blocks
/// of documents that cannot make the best for a plain term, not for a boosted one.
pub mod boost {
    /// Every word of the item, the body's weight: what finds the candidates.
    pub const TEXT: f32 = 1.0;
    /// Headline, folded or stemmed (4 against the body's 1.5).
    pub const HEADLINE: f32 = 4.0 / 1.5;
    /// Headline, exact.
    pub const HEADLINE_EXACT: f32 = 4.0 / 1.5;
    /// Standfirst, folded or stemmed.
    pub const DEK: f32 = 2.5 / 1.5;
    /// Standfirst, exact.
    pub const DEK_EXACT: f32 = 2.5 / 1.5;
}

/// The text fields of one language in one visibility.
///
/// Candidates are found in one field holding every word of the item, so a word of a
/// query is one posting list to seek, as in a plain index; the headline and the
/// standfirst each have fields of their own too, read only at the best candidates to
/// weigh where a word stands (see `SearchIndex::collect`).
#[derive(Debug, Clone, Copy)]
pub struct TextFields {
    /// Headline, standfirst, body and names, folded and stemmed, with positions;
    /// each a value of its own, so a phrase never spans two.
    pub text: Field,
    /// Headline, folded and stemmed, with positions for phrases.
    pub head: Field,
    /// Headline, exact.
    pub head_exact: Field,
    /// Standfirst, folded and stemmed, with positions.
    pub dek: Field,
    /// Standfirst, exact.
    pub dek_exact: Field,
}

impl TextFields {
    /// The folded fields that weigh a candidate by where its words stand, with their
    /// weights; each has positions, for phrases too.
    pub fn placed(&self) -> [(Field, f32); 2] {
        [(self.head, boost::HEADLINE), (self.dek, boost::DEK)]
    }

    /// Each exact field with its weight.
    pub fn exact(&self) -> [(Field, f32); 2] {
        [
            (self.head_exact, boost::HEADLINE_EXACT),
            (self.dek_exact, boost::DEK_EXACT),
        ]
    }
}

/// One language's fields.
#[derive(Debug, Clone, Copy)]
pub struct LanguageFields {
    /// Published items.
    pub public: TextFields,
    /// Items in any other status.
    pub desk: TextFields,
    /// Words of published headlines, standfirsts and names, folded and as written: for
    /// spelling suggestions and completions.
    pub suggest: Field,
}

/// Every field of the index.
#[derive(Debug, Clone)]
pub struct Fields {
    /// The item's id: deletes go by it.
    pub id: Field,
    /// Edition code.
    pub edition: Field,
    /// Workflow status.
    pub status: Field,
    /// Section id.
    pub section: Field,
    /// Author ids.
    pub author: Field,
    /// The account that created it.
    pub owner: Field,
    /// Publication time (or, unpublished, the last change), in microseconds.
    pub time: Field,
    /// The headline as written, for results and highlighting.
    pub headline_text: Field,
    /// The body's plain text, for snippets.
    pub body_text: Field,
    languages: [LanguageFields; 4],
}

/// The fast field the time is read from, by name.
pub const TIME: &str = "time";

fn text(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

fn text_fields(
    schema: &mut tantivy::schema::SchemaBuilder,
    visibility: &str,
    language: Language,
) -> TextFields {
    let folded = language.folded_analyzer();
    let exact = language.exact_analyzer();
    let positions = IndexRecordOption::WithFreqsAndPositions;
    let freqs = IndexRecordOption::WithFreqs;
    let mut add = |part: &str, tokenizer: &str, record| {
        schema.add_text_field(
            &format!("{visibility}_{}_{part}", language.key()),
            text(tokenizer, record),
        )
    };
    TextFields {
        text: add("text", &folded, positions),
        head: add("head", &folded, positions),
        head_exact: add("head_exact", &exact, freqs),
        dek: add("dek", &folded, positions),
        dek_exact: add("dek_exact", &exact, freqs),
    }
}

impl Fields {
    /// The schema and its fields.
    pub fn build() -> (Schema, Self) {
        let mut schema = Schema::builder();
        let id = schema.add_u64_field("id", INDEXED | FAST | STORED);
        let edition = schema.add_text_field("edition", STRING | FAST | STORED);
        let status = schema.add_text_field("status", STRING | STORED);
        let section = schema.add_u64_field("section", INDEXED | FAST);
        let author = schema.add_u64_field("author", INDEXED);
        let owner = schema.add_u64_field("owner", INDEXED);
        let time = schema.add_i64_field(TIME, INDEXED | FAST | STORED);
        let headline_text = schema.add_text_field("headline_text", STORED);
        let body_text = schema.add_text_field("body_text", STORED);
        let languages = Language::ALL.map(|language| LanguageFields {
            public: text_fields(&mut schema, "p", language),
            desk: text_fields(&mut schema, "d", language),
            suggest: schema.add_text_field(
                &format!("p_{}_suggest", language.key()),
                text(&language.suggest_analyzer(), IndexRecordOption::Basic),
            ),
        });
        let fields = Self {
            id,
            edition,
            status,
            section,
            author,
            owner,
            time,
            headline_text,
            body_text,
            languages,
        };
        (schema.build(), fields)
    }

    /// The fields of one language.
    pub fn language(&self, language: Language) -> &LanguageFields {
        &self.languages[language.position()]
    }

    /// An item as a document, its names resolved through `names`.
    pub fn document(&self, row: &IndexRow, names: &Names) -> TantivyDocument {
        let language = Language::of_edition(&row.edition);
        let lang = self.language(language);
        let public = row.status == Status::Published;
        let text = if public { &lang.public } else { &lang.desk };
        let mut doc = TantivyDocument::default();
        doc.add_u64(self.id, row.id as u64);
        doc.add_text(self.edition, &row.edition);
        doc.add_text(self.status, row.status.as_str());
        doc.add_u64(self.section, row.section as u64);
        for author in &row.authors {
            doc.add_u64(self.author, *author as u64);
        }
        if let Some(owner) = row.created_by {
            doc.add_u64(self.owner, owner as u64);
        }
        doc.add_i64(self.time, row.published_at.unwrap_or(row.updated_at));
        doc.add_text(self.headline_text, &row.headline);
        doc.add_text(text.text, &row.headline);
        doc.add_text(text.head, &row.headline);
        doc.add_text(text.head_exact, &row.headline);
        if let Some(dek) = &row.dek {
            doc.add_text(text.text, dek);
            doc.add_text(text.dek, dek);
            doc.add_text(text.dek_exact, dek);
        }
        let body = plain_text(&row.markdown);
        doc.add_text(text.text, &body);
        doc.add_text(self.body_text, &body);
        let authors: Vec<&str> = row
            .authors
            .iter()
            .filter_map(|a| names.authors.get(a).map(String::as_str))
            .collect();
        let section = names.sections.get(&row.section).map(String::as_str);
        let tags = row.tags.iter().filter_map(|t| names.tags.get(t));
        for name in section
            .into_iter()
            .chain(tags.map(String::as_str))
            .chain(authors.iter().copied())
        {
            doc.add_text(text.text, name);
        }
        if public {
            let mut words = row.headline.clone();
            for more in row.dek.iter().map(String::as_str).chain(authors) {
                words.push(' ');
                words.push_str(more);
            }
            doc.add_pre_tokenized_text(
                lang.suggest,
                language.suggestion_tokens(&row.edition, words),
            );
        }
        doc
    }
}

/// Names of sections, tags and authors, by id: what an item's text fields take.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// Section names.
    pub sections: HashMap<SectionId, String>,
    /// Tag names.
    pub tags: HashMap<TagId, String>,
    /// Author names.
    pub authors: HashMap<AuthorId, String>,
}
