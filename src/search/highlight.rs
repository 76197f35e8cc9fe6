//! Marking the words a query matched in a result's headline and body.
//!
//! A word of the text matches when its folded (and, in a stemmed language, stemmed)
//! form is one of the query's terms. Stemming every word of every body shown would
//! cost more than the search itself, so a word is stemmed only when it starts as a
//! query term does.

use std::collections::HashMap;

use tantivy::tokenizer::{TextAnalyzer, TokenStream};

use super::analyzer::{Language, is_word_char};
use crate::domain::escape_text;

/// What a result's text is compared with: one query's terms in one language.
pub struct Highlighter {
    language: Language,
    /// The terms, sorted, for binary search: a query has a few, and hashing every
    /// word of every body shown cost more than comparing it with them.
    terms: Vec<String>,
    /// The first characters of every term, to pick the words worth stemming.
    prefixes: Vec<String>,
    /// The first character of every term: most words of a text start otherwise and
    /// are passed over without being lowercased or folded.
    initials: Vec<char>,
    /// Whether a word starting with this character (followed by no combining mark)
    /// can match: worked out once per character instead of once per word. Latin and
    /// Cyrillic letters, most of every text, are looked up by their code point.
    starts: Starts,
    analyzer: Option<TextAnalyzer>,
}

/// Characters below this are answered from a table rather than a map.
const TABLE: usize = 0x530;

/// A memo of whether a word starting with a character can match.
struct Starts {
    /// 0 not yet known, 1 no, 2 yes.
    table: Vec<u8>,
    rest: HashMap<char, bool>,
}

impl Starts {
    fn new() -> Self {
        Self {
            table: vec![0; TABLE],
            rest: HashMap::new(),
        }
    }

    fn get(&self, c: char) -> Option<bool> {
        match self.table.get(c as usize) {
            Some(0) => None,
            Some(known) => Some(*known == 2),
            None => self.rest.get(&c).copied(),
        }
    }

    fn insert(&mut self, c: char, may: bool) {
        match self.table.get_mut(c as usize) {
            Some(slot) => *slot = if may { 2 } else { 1 },
            None => {
                self.rest.insert(c, may);
            }
        }
    }
}

/// Characters a stem keeps of its word's start, at least: a word not starting with
/// any term's first this-many characters cannot stem to it.
const PREFIX: usize = 3;

impl Highlighter {
    /// A highlighter for `terms` (the query's folded and stemmed terms) in `language`,
    /// with `analyzer` its folded analyzer.
    pub fn new(language: Language, terms: Vec<String>, analyzer: TextAnalyzer) -> Self {
        let prefixes = terms
            .iter()
            .map(|t| t.chars().take(PREFIX).collect::<String>())
            .collect();
        let mut initials: Vec<char> = terms.iter().filter_map(|t| t.chars().next()).collect();
        initials.sort_unstable();
        initials.dedup();
        let mut terms = terms;
        terms.sort_unstable();
        terms.dedup();
        Self {
            language,
            terms,
            prefixes,
            initials,
            starts: Starts::new(),
            analyzer: Some(analyzer),
        }
    }

    /// Whether `start` (a word's first one or two characters), lowercased and folded,
    /// begins with the first character of some term.
    fn may_start(&self, start: &str, lowered: &mut String, folded: &mut String) -> bool {
        self.language.lowercase(start, lowered);
        self.language.fold(lowered, folded);
        folded
            .chars()
            .next()
            .is_some_and(|c| self.initials.contains(&c))
    }

    fn matches(&mut self, word: &str, lowered: &mut String, folded: &mut String) -> bool {
        if self.terms.is_empty() {
            return false;
        }
        // The word's first letter, lowercased and folded, must start some term. Only
        // a combining mark after it (a decomposed İ) changes how it lowercases.
        let mut chars = word.char_indices();
        let Some((_, first)) = chars.next() else {
            return false;
        };
        let may = match chars.next() {
            Some((at, next)) if ('\u{300}'..='\u{36f}').contains(&next) => {
                self.may_start(&word[..at + next.len_utf8()], lowered, folded)
            }
            _ => match self.starts.get(first) {
                Some(known) => known,
                None => {
                    let may = self.may_start(&word[..first.len_utf8()], lowered, folded);
                    self.starts.insert(first, may);
                    may
                }
            },
        };
        if !may {
            return false;
        }
        self.language.lowercase(word, lowered);
        self.language.fold(lowered, folded);
        if self.is_term(folded) {
            return true;
        }
        if !self.prefixes.iter().any(|p| folded.starts_with(p.as_str())) {
            return false;
        }
        let Some(analyzer) = self.analyzer.as_mut() else {
            return false;
        };
        let mut stream = analyzer.token_stream(word);
        let mut matched = false;
        while stream.advance() {
            matched |= self
                .terms
                .binary_search_by(|t| t.as_str().cmp(stream.token().text.as_str()))
                .is_ok();
        }
        matched
    }

    fn is_term(&self, word: &str) -> bool {
        self.terms
            .binary_search_by(|t| t.as_str().cmp(word))
            .is_ok()
    }

    /// The byte ranges of matching words in `text`.
    fn spans(&mut self, text: &str) -> Vec<(usize, usize)> {
        let (mut lowered, mut folded) = (String::new(), String::new());
        let mut spans = Vec::new();
        let mut chars = text.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if !is_word_char(c) {
                continue;
            }
            let mut end = start + c.len_utf8();
            while let Some((at, c)) =
                chars.next_if(|(_, c)| is_word_char(*c) || ('\u{300}'..='\u{36f}').contains(c))
            {
                end = at + c.len_utf8();
            }
            if self.matches(&text[start..end], &mut lowered, &mut folded) {
                spans.push((start, end));
            }
        }
        spans
    }

    /// All of `text` as HTML, matching words in `<mark>`.
    pub fn whole(&mut self, text: &str) -> String {
        let spans = self.spans(text);
        marked(text, 0, text.len(), &spans)
    }

    /// A passage of about `chars` characters of `text` around its best cluster of
    /// matches, as HTML; empty when nothing in `text` matches.
    pub fn passage(&mut self, text: &str, chars: usize) -> String {
        let spans = self.spans(text);
        if spans.is_empty() {
            return String::new();
        }
        // The window starting at a match that holds the most matches.
        let budget = chars * 4;
        let (mut best, mut best_count) = (0, 0);
        for (i, (start, _)) in spans.iter().enumerate() {
            let count = spans[i..]
                .iter()
                .take_while(|(_, end)| end - start <= budget)
                .count();
            if count > best_count {
                best = i;
                best_count = count;
            }
        }
        let anchor = spans[best].0;
        // Some words of context before the first match, cut at a word boundary.
        let lead = text[..anchor]
            .char_indices()
            .rev()
            .take(chars / 4)
            .last()
            .map_or(anchor, |(at, _)| at);
        let from = text[lead..anchor]
            .find(char::is_whitespace)
            .filter(|_| lead > 0)
            .map_or(lead, |at| lead + at + 1);
        let to = text[from..]
            .char_indices()
            .nth(chars)
            .map_or(text.len(), |(at, _)| from + at);
        // Back to the end of a word.
        let to = if to < text.len() {
            text[from..to]
                .rfind(char::is_whitespace)
                .map_or(to, |at| from + at)
        } else {
            to
        };
        let inside: Vec<(usize, usize)> = spans
            .into_iter()
            .filter(|(s, e)| *s >= from && *e <= to)
            .collect();
        let mut html = String::new();
        if from > 0 {
            html.push('…');
        }
        html.push_str(&marked(text, from, to, &inside));
        if to < text.len() {
            html.push('…');
        }
        html
    }
}

/// `text[from..to]` escaped, with `spans` (inside it, in order) in `<mark>`.
fn marked(text: &str, from: usize, to: usize, spans: &[(usize, usize)]) -> String {
    let mut html = String::with_capacity(to - from + spans.len() * 13);
    let mut at = from;
    for (start, end) in spans {
        html.push_str(&escape_text(&text[at..*start]));
        html.push_str("<mark>");
        html.push_str(&escape_text(&text[*start..*end]));
        html.push_str("</mark>");
        at = *end;
    }
    html.push_str(&escape_text(&text[at..to]));
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyzer::{register_all, terms};
    use tantivy::tokenizer::TokenizerManager;

    fn highlighter(language: Language, query: &str) -> Highlighter {
        let manager = TokenizerManager::default();
        register_all(&manager);
        let name = language.folded_analyzer();
        let analyzer = manager.get(&name).expect("registered");
        Highlighter::new(language, terms(&manager, &name, query), analyzer)
    }

    #[test]
    fn words_are_marked_in_any_form_and_text_is_escaped() {
        let mut h = highlighter(Language::English, "election");
        assert_eq!(
            h.whole("Elections <b>& an election"),
            "<mark>Elections</mark> &#60;b&#62;&#38; an <mark>election</mark>"
        );
        let mut h = highlighter(Language::Turkic, "turkiye yasar");
        assert_eq!(
            h.whole("Türkiye'nin Yaşar Güler"),
            format!(
                "<mark>Türkiye</mark>{}nin <mark>Yaşar</mark> Güler",
                escape_text("'")
            )
        );
        let mut h = highlighter(Language::Russian, "выборы");
        assert_eq!(h.whole("Дата выборов"), "Дата <mark>выборов</mark>");
    }

    #[test]
    fn every_spelling_of_a_capital_i_starts_a_match_in_turkic() {
        let mut h = highlighter(Language::Turkic, "istanbul");
        assert_eq!(
            h.whole("I\u{307}stanbul İstanbul Istanbul stanbul"),
            "<mark>I\u{307}stanbul</mark> <mark>İstanbul</mark> <mark>Istanbul</mark> stanbul"
        );
    }

    #[test]
    fn a_passage_is_cut_around_the_matches() {
        let mut h = highlighter(Language::English, "harvest");
        let text = format!(
            "{} the harvest was good {}",
            "word ".repeat(200),
            "more ".repeat(200)
        );
        let passage = h.passage(&text, 80);
        assert!(
            passage.starts_with('…') && passage.ends_with('…'),
            "{passage}"
        );
        assert!(passage.contains("<mark>harvest</mark>"));
        assert!(passage.chars().count() < 120);
        assert_eq!(h.passage("nothing here", 80), "");
    }
}
