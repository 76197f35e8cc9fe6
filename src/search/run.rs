//! Running a search: a parsed query made into tantivy queries over the right fields,
//! ranked, highlighted, and corrected when it finds little.

use std::collections::HashMap;
use std::ops::Bound;

use jiff::Timestamp;
use tantivy::collector::TopDocs;
use tantivy::postings::Postings;
use tantivy::query::{
    AllQuery, Bm25Weight, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, EnableScoring,
    Occur, PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocSet, Order, Searcher, TERMINATED, TantivyDocument, Term};

use super::analyzer::{Language, SUGGEST_SEPARATOR, suggestion_prefix};
use super::highlight::Highlighter;
use super::query::{Clause, Parsed};
use super::schema::{TIME, TextFields, boost};
use super::{SearchIndex, SearchResult};
use crate::domain::{Action, AuthorId, ItemId, Role, Scope, SectionId, Status, UserId, may};

/// How results are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first, fresher stories lifted: news goes stale.
    #[default]
    Relevance,
    /// Newest first.
    Newest,
}

/// A reader's search in one edition.
#[derive(Debug, Clone)]
pub struct ReaderSearch<'a> {
    /// The edition searched.
    pub edition: &'a str,
    /// Another edition shares the language, so results must be kept to this one.
    pub filter_edition: bool,
    /// What was asked.
    pub query: &'a Parsed,
    /// Only this section.
    pub section: Option<SectionId>,
    /// Only this author.
    pub author: Option<AuthorId>,
    /// Published at or after.
    pub from: Option<Timestamp>,
    /// Published before.
    pub until: Option<Timestamp>,
    /// The order.
    pub sort: Sort,
    /// Results skipped (earlier pages).
    pub offset: usize,
    /// Results wanted.
    pub limit: usize,
    /// The time freshness is measured from.
    pub now: Timestamp,
}

/// A search from the newsroom's desk, over what one account may see.
#[derive(Debug, Clone)]
pub struct DeskSearch<'a> {
    /// What was asked.
    pub query: &'a Parsed,
    /// The searcher's role.
    pub role: Role,
    /// The searcher's account; `None` for a part of the system, which owns nothing.
    pub user: Option<UserId>,
    /// Only items in this status.
    pub status: Option<Status>,
    /// Only this edition.
    pub edition: Option<&'a str>,
    /// Only this author.
    pub author: Option<AuthorId>,
    /// Dated at or after (publication time, or last change when never published).
    pub from: Option<Timestamp>,
    /// Dated before.
    pub until: Option<Timestamp>,
    /// Results skipped.
    pub offset: usize,
    /// Results wanted.
    pub limit: usize,
    /// The time freshness is measured from.
    pub now: Timestamp,
}

/// One result.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The item.
    pub id: ItemId,
    /// Its edition.
    pub edition: String,
    /// Its status's name.
    pub status: String,
    /// Its publication time (or last change), in microseconds.
    pub time: i64,
    /// The headline as HTML: escaped, matches in `<mark>`.
    pub headline: String,
    /// A passage of the body as HTML, escaped, matches in `<mark>`; empty when the body
    /// has no match.
    pub snippet: String,
}

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The results on this page.
    pub hits: Vec<Hit>,
    /// Whether there are more after this page.
    pub more: bool,
    /// A respelt query, when this one found little and a near spelling finds more.
    pub suggestion: Option<String>,
    /// The index is being rebuilt: results may be missing.
    pub building: bool,
}

/// How many best matches by text are ranked again (where the words stand, then
/// freshness): the first two pages; deeper pages go by text alone. Kept small: the
/// more candidates, the less tantivy's top-k pruning can skip (60 cost a one-word
/// query about a fifth more than 40).
pub const RERANK: usize = 40;
/// Deepest result reachable by paging.
pub const MAX_OFFSET: usize = 1000;
/// Fewer results than this offer a spelling suggestion.
const FEW: usize = 3;
/// Characters of body shown around the matches.
const SNIPPET_CHARS: usize = 220;
/// Microseconds in a day.
const DAY: f64 = 86_400_000_000.0;
/// Freshness halves every this many days.
const HALF_LIFE_DAYS: f64 = 7.0;

/// A score multiplier from 2 (published now) falling towards 1 as a story ages.
fn freshness(now: i64, time: i64) -> f32 {
    let age_days = ((now - time).max(0) as f64) / DAY;
    (1.0 + (-age_days / HALF_LIFE_DAYS).exp2()) as f32
}

/// What weighs a candidate by where its words stand, scored at the candidates only.
enum Placed {
    /// A word in one field, with the field's weight.
    Term(Term, f32),
    /// A phrase in one field, boosted by the field's weight.
    Phrase(Box<dyn Query>),
}

/// A query as [`SearchIndex::compose`] makes it.
struct Composed {
    /// What finds and scores the candidates.
    query: Box<dyn Query>,
    /// Its words in the headline and standfirst, and their exact forms, each
    /// boosted by its field's weight: scored for the best candidates only.
    placed: Vec<Placed>,
    /// Whether any word was asked (not only filters).
    has_text: bool,
}

fn term_query(term: Term, boost: f32) -> Box<dyn Query> {
    let query: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
    if boost == 1.0 {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

fn filter(query: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(query, 0.0))
}

fn time_range(
    field: tantivy::schema::Field,
    from: Option<Timestamp>,
    until: Option<Timestamp>,
) -> Option<Box<dyn Query>> {
    if from.is_none() && until.is_none() {
        return None;
    }
    let bound = |t: Option<Timestamp>, inclusive: bool| match t {
        None => Bound::Unbounded,
        Some(t) => {
            let term = Term::from_field_i64(field, t.as_microsecond());
            if inclusive {
                Bound::Included(term)
            } else {
                Bound::Excluded(term)
            }
        }
    };
    Some(filter(Box::new(RangeQuery::new(
        bound(from, true),
        bound(until, false),
    ))))
}

impl SearchIndex {
    /// One clause as a query over the field holding every word of the item; `None`
    /// when its text holds no word at all (punctuation only). What weighs a match by
    /// where it stands (headline, standfirst, and each word's exact form) goes
    /// to `placed` instead of into the query: it only ever matches where the text does,
    /// so it need not be read to find the candidates, only to rank them (see
    /// [`Self::collect`]), and each word is one posting list to seek.
    fn clause_query(
        &self,
        clause: &Clause,
        targets: &[(Language, TextFields)],
        mut placed: Option<&mut Vec<Placed>>,
    ) -> Option<Box<dyn Query>> {
        let text = match clause {
            Clause::Word(w) => w.clone(),
            Clause::Phrase(ws) => ws.join(" "),
        };
        let analyzers = &self.analyzers;
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (language, fields) in targets {
            let folded = analyzers.folded(*language, &text);
            match folded.len() {
                0 => continue,
                1 => {
                    let term = |field| Term::from_field_text(field, &folded[0]);
                    should.push((Occur::Should, term_query(term(fields.text), boost::TEXT)));
                    if let Some(placed) = placed.as_deref_mut() {
                        for (field, boost) in fields.placed() {
                            placed.push(Placed::Term(term(field), boost));
                        }
                        if let [word] = analyzers.exact(*language, &text).as_slice() {
                            for (field, boost) in fields.exact() {
                                placed
                                    .push(Placed::Term(Term::from_field_text(field, word), boost));
                            }
                        }
                    }
                }
                _ => {
                    let phrase = |field| -> Box<dyn Query> {
                        let terms = folded
                            .iter()
                            .map(|t| Term::from_field_text(field, t))
                            .collect();
                        Box::new(PhraseQuery::new(terms))
                    };
                    should.push((Occur::Should, phrase(fields.text)));
                    if let Some(placed) = placed.as_deref_mut() {
                        for (field, boost) in fields.placed() {
                            placed.push(Placed::Phrase(Box::new(BoostQuery::new(
                                phrase(field),
                                boost,
                            ))));
                        }
                    }
                }
            }
        }
        // One list alone is handed over as it is: wrapped in a union of one it would
        // be read window by window instead of skipped through.
        match should.len() {
            0 => None,
            1 => should.pop().map(|(_, q)| q),
            _ => Some(Box::new(BooleanQuery::new(should))),
        }
    }

    /// The whole query: every included clause must match, no excluded one may, and
    /// every filter holds; with it, the exact forms of its words, which rank the
    /// candidates it finds.
    fn compose(
        &self,
        parsed: &Parsed,
        targets: &[(Language, TextFields)],
        filters: Vec<Box<dyn Query>>,
    ) -> Composed {
        let mut placed = Vec::new();
        let mut include: Vec<Box<dyn Query>> = parsed
            .include
            .iter()
            .filter_map(|c| self.clause_query(c, targets, Some(&mut placed)))
            .collect();
        let exclude: Vec<Box<dyn Query>> = parsed
            .exclude
            .iter()
            .filter_map(|c| self.clause_query(c, targets, None))
            .collect();
        let has_text = !include.is_empty();
        // A single clause alone is handed over as it is, so tantivy's top-k pruning
        // applies to its union of terms.
        let query: Box<dyn Query> =
            if include.len() == 1 && exclude.is_empty() && filters.is_empty() {
                include.remove(0)
            } else if include.is_empty() && exclude.is_empty() && filters.is_empty() {
                Box::new(AllQuery)
            } else {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                if include.is_empty() {
                    clauses.push((Occur::Must, filter(Box::new(AllQuery))));
                }
                clauses.extend(include.into_iter().map(|q| (Occur::Must, q)));
                clauses.extend(exclude.into_iter().map(|q| (Occur::MustNot, q)));
                clauses.extend(filters.into_iter().map(|q| (Occur::Must, q)));
                Box::new(BooleanQuery::new(clauses))
            };
        Composed {
            query,
            placed,
            has_text,
        }
    }

    /// Adds to each found document's score what its words score where they stand, as
    /// if that had been part of the query: a match in the headline ranks above one in
    /// the body, an exact match above a folded or stemmed one. Each of these is sought
    /// only at the found documents, in document order.
    fn add_placed(
        searcher: &Searcher,
        placed: &[Placed],
        found: &mut [(f32, DocAddress)],
    ) -> SearchResult<()> {
        if placed.is_empty() || found.is_empty() {
            return Ok(());
        }
        found.sort_by_key(|(_, at)| (at.segment_ord, at.doc_id));
        for one in placed {
            match one {
                Placed::Term(term, boost) => Self::add_term(searcher, term, *boost, found)?,
                Placed::Phrase(query) => Self::add_phrase(searcher, &**query, found)?,
            }
        }
        Ok(())
    }

    /// [`Self::add_placed`] for one word: its BM25 score in its field, with the same
    /// statistics tantivy's term query would use, but each segment's dictionary looked
    /// up once for both the statistics and the postings, since it is read for a few
    /// dozen documents.
    fn add_term(
        searcher: &Searcher,
        term: &Term,
        boost: f32,
        found: &mut [(f32, DocAddress)],
    ) -> SearchResult<()> {
        let field = term.field();
        let (mut doc_freq, mut tokens, mut docs) = (0u64, 0u64, 0u64);
        let mut segments = Vec::with_capacity(searcher.segment_readers().len());
        for reader in searcher.segment_readers() {
            // Deleted documents count, as in tantivy's own statistics.
            docs += u64::from(reader.max_doc());
            let inverted = reader.inverted_index(field)?;
            tokens += inverted.total_num_tokens();
            let info = inverted
                .get_term_info(term)
                .map_err(tantivy::TantivyError::from)?;
            doc_freq += info.as_ref().map_or(0, |i| u64::from(i.doc_freq));
            segments.push((inverted, info));
        }
        if doc_freq == 0 || docs == 0 {
            return Ok(());
        }
        let bm25 =
            Bm25Weight::for_one_term_without_explain(doc_freq, docs, tokens as f32 / docs as f32)
                .boost_by(boost);
        for in_segment in found.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
            let ord = in_segment[0].1.segment_ord;
            let Some((inverted, Some(info))) = segments.get(ord as usize) else {
                continue;
            };
            let mut postings = inverted
                .read_postings_from_terminfo(info, IndexRecordOption::WithFreqs)
                .map_err(tantivy::TantivyError::from)?;
            let norms = searcher.segment_reader(ord).get_fieldnorms_reader(field)?;
            add_where_found(&mut postings, in_segment, |p| {
                bm25.score(norms.fieldnorm_id(p.doc()), p.term_freq())
            });
        }
        Ok(())
    }

    /// [`Self::add_placed`] for a phrase, through tantivy's own phrase scorer.
    fn add_phrase(
        searcher: &Searcher,
        query: &dyn Query,
        found: &mut [(f32, DocAddress)],
    ) -> SearchResult<()> {
        let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        for in_segment in found.chunk_by_mut(|a, b| a.1.segment_ord == b.1.segment_ord) {
            let reader = searcher.segment_reader(in_segment[0].1.segment_ord);
            let mut scorer = weight.scorer(reader, 1.0)?;
            add_where_found(&mut scorer, in_segment, |s| s.score());
        }
        Ok(())
    }

    /// The documents of one page, best first, and whether more follow.
    fn collect(
        &self,
        searcher: &Searcher,
        composed: &Composed,
        sort: Sort,
        offset: usize,
        limit: usize,
        now: Timestamp,
    ) -> SearchResult<(Vec<DocAddress>, bool)> {
        let offset = offset.min(MAX_OFFSET);
        let query = &*composed.query;
        match sort {
            Sort::Newest => {
                let found: Vec<(Option<i64>, DocAddress)> = searcher.search(
                    query,
                    &TopDocs::with_limit(limit + 1)
                        .and_offset(offset)
                        .order_by_fast_field::<i64>(TIME, Order::Desc),
                )?;
                let more = found.len() > limit;
                Ok((
                    found.into_iter().take(limit).map(|(_, a)| a).collect(),
                    more,
                ))
            }
            Sort::Relevance => {
                let wanted = offset + limit + 1;
                let mut found: Vec<(f32, DocAddress)> = searcher.search(
                    query,
                    &TopDocs::with_limit(wanted.max(RERANK)).order_by_score(),
                )?;
                // Only the best RERANK by score are ranked again (where the words stand,
                // then freshness); the rest follow in their order by score. Every page is cut
                // from that one ordering, so paging on never skips a match or shows one
                // twice, whatever the page.
                let rest = if found.len() > RERANK {
                    found.split_off(RERANK)
                } else {
                    Vec::new()
                };
                Self::add_placed(searcher, &composed.placed, &mut found)?;
                let now = now.as_microsecond();
                let mut ranked: Vec<(f32, i64, DocAddress)> = found
                    .into_iter()
                    .map(|(score, at)| {
                        let time = self
                            .times
                            .get(searcher, at.segment_ord)
                            .and_then(|c| c.first(at.doc_id))
                            .unwrap_or(0);
                        (score * freshness(now, time), time, at)
                    })
                    .collect();
                ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
                let more = ranked.len() + rest.len() > offset + limit;
                Ok((
                    ranked
                        .into_iter()
                        .map(|(_, _, a)| a)
                        .chain(rest.into_iter().map(|(_, a)| a))
                        .skip(offset)
                        .take(limit)
                        .collect(),
                    more,
                ))
            }
        }
    }

    /// The stored fields of found documents, highlighted for `parsed`.
    fn hits(
        &self,
        searcher: &Searcher,
        found: Vec<DocAddress>,
        parsed: &Parsed,
    ) -> SearchResult<Vec<Hit>> {
        let f = &self.fields;
        let mut highlighters: HashMap<Language, Highlighter> = HashMap::new();
        let words = parsed.words().join(" ");
        let mut hits = Vec::with_capacity(found.len());
        for at in found {
            let doc: TantivyDocument = searcher.doc(at)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
            };
            let edition = text(f.edition);
            let language = Language::of_edition(edition);
            let marker = highlighters.entry(language).or_insert_with(|| {
                Highlighter::new(
                    language,
                    self.analyzers.folded(language, &words),
                    self.analyzers.folded_analyzer(language),
                )
            });
            let headline = marker.whole(text(f.headline_text));
            let snippet = marker.passage(text(f.body_text), SNIPPET_CHARS);
            hits.push(Hit {
                id: doc
                    .get_first(f.id)
                    .and_then(|v| v.as_u64())
                    .unwrap_or_default() as ItemId,
                status: text(f.status).to_owned(),
                time: doc
                    .get_first(f.time)
                    .and_then(|v| v.as_i64())
                    .unwrap_or_default(),
                edition: edition.to_owned(),
                headline,
                snippet,
            });
        }
        Ok(hits)
    }

    /// A reader's search of published items in one edition.
    pub fn search(&self, s: &ReaderSearch<'_>) -> SearchResult<Results> {
        let f = &self.fields;
        let language = Language::of_edition(s.edition);
        let lang = self.fields.language(language);
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if s.filter_edition {
            filters.push(filter(term_query(
                Term::from_field_text(f.edition, s.edition),
                1.0,
            )));
        }
        if let Some(section) = s.section {
            filters.push(filter(term_query(
                Term::from_field_u64(f.section, section as u64),
                1.0,
            )));
        }
        if let Some(author) = s.author {
            filters.push(filter(term_query(
                Term::from_field_u64(f.author, author as u64),
                1.0,
            )));
        }
        filters.extend(time_range(f.time, s.from, s.until));
        let mut composed = self.compose(s.query, &[(language, lang.public)], filters);
        let has_text = composed.has_text;
        // Filters alone are only safe over public fields when something selects public
        // items: with no words, ask for documents having public text at all.
        if !has_text {
            let query = std::mem::replace(&mut composed.query, Box::new(EmptyQuery));
            composed.query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, filter(public_only(f, s.edition))),
            ]));
        }
        let sort = if has_text { s.sort } else { Sort::Newest };
        let searcher = self.reader.searcher();
        let (found, more) = self.collect(&searcher, &composed, sort, s.offset, s.limit, s.now)?;
        let hits = self.hits(&searcher, found, s.query)?;
        let suggestion = if has_text && s.offset == 0 && hits.len() < FEW {
            self.did_you_mean(&searcher, s.edition, s.query)
        } else {
            None
        };
        Ok(Results {
            hits,
            more,
            suggestion,
            building: self.building(),
        })
    }

    /// The query alone, as the benchmark measures it beside tantivy alone: read,
    /// made into a tantivy query and ranked (freshness included), without reading
    /// stored text or highlighting; how many results the page would show.
    pub fn bare(&self, edition: &str, text: &str, now: Timestamp) -> SearchResult<usize> {
        let parsed = super::parse(text);
        let language = Language::of_edition(edition);
        let lang = self.fields.language(language);
        let composed = self.compose(&parsed, &[(language, lang.public)], Vec::new());
        let searcher = self.reader.searcher();
        let (found, _) = self.collect(&searcher, &composed, Sort::Relevance, 0, 20, now)?;
        Ok(found.len())
    }

    /// A search from the desk over every item `s.role` may see.
    pub fn search_desk(&self, s: &DeskSearch<'_>) -> SearchResult<Results> {
        let f = &self.fields;
        let languages: Vec<Language> = match s.edition {
            Some(code) => vec![Language::of_edition(code)],
            None => Language::ALL.to_vec(),
        };
        let targets: Vec<(Language, TextFields)> = languages
            .iter()
            .flat_map(|l| {
                let fields = self.fields.language(*l);
                [(*l, fields.public), (*l, fields.desk)]
            })
            .collect();
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if let Some(code) = s.edition {
            filters.push(filter(term_query(
                Term::from_field_text(f.edition, code),
                1.0,
            )));
        }
        if let Some(status) = s.status {
            filters.push(filter(term_query(
                Term::from_field_text(f.status, status.as_str()),
                1.0,
            )));
        }
        if let Some(author) = s.author {
            filters.push(filter(term_query(
                Term::from_field_u64(f.author, author as u64),
                1.0,
            )));
        }
        filters.extend(time_range(f.time, s.from, s.until));
        // What the account may see, status by status, as the domain's rules say.
        let mut visible: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut everything = true;
        for status in Status::ALL {
            let by_status = term_query(Term::from_field_text(f.status, status.as_str()), 1.0);
            if may(s.role, Action::View, Scope::Item { own: false, status }) {
                visible.push((Occur::Should, by_status));
            } else if let Some(user) = s.user
                && may(s.role, Action::View, Scope::Item { own: true, status })
            {
                everything = false;
                let own = term_query(Term::from_field_u64(f.owner, user as u64), 1.0);
                visible.push((
                    Occur::Should,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, by_status),
                        (Occur::Must, own),
                    ])),
                ));
            } else {
                everything = false;
            }
        }
        if !everything {
            filters.push(filter(if visible.is_empty() {
                Box::new(EmptyQuery)
            } else {
                Box::new(BooleanQuery::new(visible))
            }));
        }
        let composed = self.compose(s.query, &targets, filters);
        let sort = if composed.has_text {
            Sort::Relevance
        } else {
            Sort::Newest
        };
        let searcher = self.reader.searcher();
        let (found, more) = self.collect(&searcher, &composed, sort, s.offset, s.limit, s.now)?;
        let hits = self.hits(&searcher, found, s.query)?;
        Ok(Results {
            hits,
            more,
            suggestion: None,
            building: self.building(),
        })
    }

    /// A respelling of the query's words, each unknown word replaced by the most
    /// common known one within edit distance 1 (short words) or 2; `None` when every
    /// word is known or none has a near spelling.
    fn did_you_mean(&self, searcher: &Searcher, edition: &str, parsed: &Parsed) -> Option<String> {
        let language = Language::of_edition(edition);
        let field = self.fields.language(language).suggest;
        let prefix = suggestion_prefix(edition);
        let mut changed = false;
        let mut out = Vec::new();
        let (mut lowered, mut key) = (String::new(), String::new());
        for word in parsed.words() {
            language.lowercase(word, &mut lowered);
            language.fold(&lowered, &mut key);
            let length = key.chars().count();
            if length < 3 || !key.chars().all(char::is_alphanumeric) {
                out.push(word.to_owned());
                continue;
            }
            // A known word is found by a lookup of its own terms, before any scan.
            let (own, past) = (
                format!("{prefix}{key}{SUGGEST_SEPARATOR}"),
                format!(
                    "{prefix}{key}{}",
                    char::from_u32(SUGGEST_SEPARATOR as u32 + 1).unwrap_or(char::MAX)
                ),
            );
            let known_here = searcher.segment_readers().iter().any(|segment| {
                segment.inverted_index(field).is_ok_and(|inverted| {
                    inverted
                        .terms()
                        .range()
                        .ge(own.as_bytes())
                        .lt(past.as_bytes())
                        .into_stream()
                        .is_ok_and(|mut stream| stream.advance())
                })
            });
            if known_here {
                out.push(word.to_owned());
                continue;
            }
            let max = if length <= 4 { 1 } else { 2 };
            let Some(first) = key.chars().next() else {
                continue;
            };
            let next = char::from_u32(first as u32 + 1).unwrap_or(char::MAX);
            let (from, until) = (format!("{prefix}{first}"), format!("{prefix}{next}"));
            let mut known = false;
            let mut best: Option<(usize, u64, String)> = None;
            let mut counts: HashMap<String, (usize, u64)> = HashMap::new();
            for segment in searcher.segment_readers() {
                let Ok(inverted) = segment.inverted_index(field) else {
                    continue;
                };
                let Ok(mut stream) = inverted
                    .terms()
                    .range()
                    .ge(from.as_bytes())
                    .lt(until.as_bytes())
                    .into_stream()
                else {
                    continue;
                };
                while stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    let Some((folded, written)) = term
                        .strip_prefix(prefix.as_str())
                        .and_then(|t| t.split_once(SUGGEST_SEPARATOR))
                    else {
                        continue;
                    };
                    if folded == key {
                        known = true;
                        break;
                    }
                    let flen = folded.chars().count();
                    if flen.abs_diff(length) > max {
                        continue;
                    }
                    let distance = strsim::levenshtein(folded, &key);
                    if distance <= max {
                        let entry = counts.entry(written.to_owned()).or_insert((distance, 0));
                        entry.1 += u64::from(stream.value().doc_freq);
                    }
                }
                if known {
                    break;
                }
            }
            if !known {
                for (written, (distance, freq)) in counts {
                    let better = best.as_ref().is_none_or(|(d, f, w)| {
                        (distance, std::cmp::Reverse(freq), &written)
                            < (*d, std::cmp::Reverse(*f), w)
                    });
                    if better {
                        best = Some((distance, freq, written));
                    }
                }
            }
            match best {
                Some((_, _, written)) if !known => {
                    changed = true;
                    out.push(written);
                }
                _ => out.push(word.to_owned()),
            }
        }
        changed.then(|| out.join(" "))
    }

    /// Completions of the last word of `typed`, the most common first, each with the
    /// words before it: the suggestions shown while a reader types.
    pub fn suggest(&self, edition: &str, typed: &str, limit: usize) -> Vec<String> {
        let language = Language::of_edition(edition);
        let field = self.fields.language(language).suggest;
        let typed = super::query::clean(typed);
        let mut words: Vec<&str> = typed.split_whitespace().collect();
        let Some(last) = words.pop() else {
            return Vec::new();
        };
        let (mut lowered, mut key) = (String::new(), String::new());
        language.lowercase(last, &mut lowered);
        language.fold(&lowered, &mut key);
        if key.chars().count() < 2 || !key.chars().all(char::is_alphanumeric) {
            return Vec::new();
        }
        key.insert_str(0, &suggestion_prefix(edition));
        let searcher = self.reader.searcher();
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let Ok(inverted) = segment.inverted_index(field) else {
                continue;
            };
            let Ok(mut stream) = inverted.terms().range().ge(key.as_bytes()).into_stream() else {
                continue;
            };
            let mut scanned = 0;
            while stream.advance() && scanned < 20_000 {
                scanned += 1;
                let Ok(term) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !term.starts_with(key.as_str()) {
                    break;
                }
                if let Some((_, written)) = term.split_once(SUGGEST_SEPARATOR) {
                    *counts.entry(written.to_owned()).or_default() +=
                        u64::from(stream.value().doc_freq);
                }
            }
        }
        let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let head = words.join(" ");
        ranked
            .into_iter()
            .take(limit)
            .map(|(word, _)| {
                if head.is_empty() {
                    word
                } else {
                    format!("{head} {word}")
                }
            })
            .collect()
    }
}

/// Adds `score` of `docs` at each of `found` (one segment's, in document order) that
/// `docs` holds, seeking forward only.
fn add_where_found<D: DocSet>(
    docs: &mut D,
    found: &mut [(f32, DocAddress)],
    mut score: impl FnMut(&mut D) -> f32,
) {
    for (total, at) in found.iter_mut() {
        let mut doc = docs.doc();
        if doc < at.doc_id {
            doc = docs.seek(at.doc_id);
        }
        if doc == TERMINATED {
            break;
        }
        if doc == at.doc_id {
            *total += score(docs);
        }
    }
}

/// Documents with public text in `edition`'s language group and that edition: what a
/// reader may find when no word narrows the search.
fn public_only(f: &super::Fields, edition: &str) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (
            Occur::Must,
            term_query(
                Term::from_field_text(f.status, Status::Published.as_str()),
                1.0,
            ),
        ),
        (
            Occur::Must,
            term_query(Term::from_field_text(f.edition, edition), 1.0),
        ),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freshness_falls_by_half_a_week() {
        let now = 100 * DAY as i64;
        assert!((freshness(now, now) - 2.0).abs() < 1e-6);
        assert!((freshness(now, now - 7 * DAY as i64) - 1.5).abs() < 1e-6);
        assert!(freshness(now, 0) < 1.01);
        assert!((freshness(now, now + DAY as i64) - 2.0).abs() < 1e-6);
    }
}
