//! How text becomes terms, per language: Turkic case rules and folding for
//! Azerbaijani and Turkish, stemming for Russian and English.
//!
//! Every language has two analyzers. The *exact* one only splits and lowercases (by
//! the language's case rules), so `Türkiye` stays `türkiye`. The *folded* one also
//! folds diacritics (`Türkiye`, `turkiye` and `TÜRKİYE` all give `turkiye`; `ə` gives
//! `e`, `ı` gives `i`) and, for Russian and English, stems (`выборов` and `выборы`
//! meet). Documents are indexed with both where it pays (headline and standfirst), and
//! a query asks both, the exact side boosted, so an exact match ranks above a folded or
//! stemmed one.

use std::mem;

use tantivy::tokenizer::{
    Language as Stemming, PreTokenizedString, RemoveLongFilter, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Longest token indexed, in bytes; longer runs of letters are noise (or an attack).
const MAX_TOKEN_BYTES: usize = 60;

/// Splits text into words: runs of letters and digits, with the combining marks that
/// belong to them (a decomposed `İ` is `I` and a combining dot, and stays one word).
#[derive(Clone, Default)]
struct Words {
    token: Token,
}

fn in_word(c: char) -> bool {
    is_word_char(c) || ('\u{300}'..='\u{36f}').contains(&c)
}

/// Whether `c` is part of a word: `char::is_alphanumeric`, answered without Unicode's
/// tables for the Latin and Cyrillic letters that make up most of a text.
pub(super) fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' => true,
        '\0'..='\u{7f}' => false,
        '\u{c0}'..='\u{d6}' | '\u{d8}'..='\u{f6}' | '\u{f8}'..='\u{2af}' => true,
        '\u{400}'..='\u{481}' | '\u{48a}'..='\u{52f}' => true,
        _ => c.is_alphanumeric(),
    }
}

/// Appends `c` lowercased: `char::to_lowercase`, without Unicode's tables for ASCII,
/// Latin-1 and the Russian alphabet.
fn push_lowercase(c: char, out: &mut String) {
    match c {
        'A'..='Z' | 'À'..='Ö' | 'Ø'..='Þ' | 'А'..='Я' => {
            out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c));
        }
        '\0'..='@' | '['..='\u{bf}' | 'ß'..='ÿ' | 'а'..='я' => out.push(c),
        _ => out.extend(c.to_lowercase()),
    }
}

struct WordStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    token: &'a mut Token,
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream<'a> {
        self.token.reset();
        WordStream {
            text,
            chars: text.char_indices(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for WordStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        while let Some((from, c)) = self.chars.next() {
            if is_word_char(c) {
                let to = self
                    .chars
                    .find(|(_, c)| !in_word(*c))
                    .map_or(self.text.len(), |(at, _)| at);
                self.token.offset_from = from;
                self.token.offset_to = to;
                self.token.text.push_str(&self.text[from..to]);
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Separates a suggestion term's folded key from the word as written.
pub const SUGGEST_SEPARATOR: char = '\u{1}';

/// Ends the edition code every suggestion term starts with: editions sharing a
/// language's fields (Azerbaijani and Turkish) suggest only their own words.
pub const EDITION_SEPARATOR: char = '\u{2}';

/// The start of every suggestion term of `edition`.
pub fn suggestion_prefix(edition: &str) -> String {
    let mut prefix = String::with_capacity(edition.len() + 1);
    prefix.push_str(edition);
    prefix.push(EDITION_SEPARATOR);
    prefix
}

/// The analyzers a text is indexed and searched with, chosen by its edition's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    /// Azerbaijani and Turkish: dotted and dotless i, folding of ə ı ş ğ ü ö ç.
    Turkic,
    /// Russian: stemming, ё read as е.
    Russian,
    /// English: stemming, Latin diacritics folded.
    English,
    /// Any other language: lowercased, Latin diacritics folded.
    Other,
}

impl Language {
    /// Every language, in the order of the index's field groups.
    pub const ALL: [Self; 4] = [Self::Turkic, Self::Russian, Self::English, Self::Other];

    /// Where the language stands in [`Self::ALL`].
    pub fn position(self) -> usize {
        match self {
            Self::Turkic => 0,
            Self::Russian => 1,
            Self::English => 2,
            Self::Other => 3,
        }
    }

    /// The language of an edition, by its code (an ISO 639 language code).
    pub fn of_edition(code: &str) -> Self {
        match code {
            "az" | "tr" => Self::Turkic,
            "ru" => Self::Russian,
            "en" => Self::English,
            _ => Self::Other,
        }
    }

    /// Short name used in field and analyzer names.
    pub fn key(self) -> &'static str {
        match self {
            Self::Turkic => "tr",
            Self::Russian => "ru",
            Self::English => "en",
            Self::Other => "xx",
        }
    }

    /// The exact analyzer's name.
    pub fn exact_analyzer(self) -> String {
        format!("nl_{}_exact", self.key())
    }

    /// The folded (and stemmed) analyzer's name.
    pub fn folded_analyzer(self) -> String {
        format!("nl_{}_folded", self.key())
    }

    /// The suggestion analyzer's name: folded key and the word as written, in one term.
    pub fn suggest_analyzer(self) -> String {
        format!("nl_{}_suggest", self.key())
    }

    fn stemming(self) -> Option<Stemming> {
        match self {
            Self::Russian => Some(Stemming::Russian),
            Self::English => Some(Stemming::English),
            Self::Turkic | Self::Other => None,
        }
    }

    /// `word` lowercased by this language's rules.
    pub fn lowercase(self, word: &str, out: &mut String) {
        out.clear();
        if word.is_ascii() && self != Self::Turkic {
            out.push_str(word);
            out.make_ascii_lowercase();
            return;
        }
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            match (self, c) {
                // I with a combining dot above is İ written in two code points.
                (Self::Turkic, 'I') if chars.peek() == Some(&'\u{307}') => {
                    chars.next();
                    out.push('i');
                }
                (Self::Turkic, 'I') => out.push('ı'),
                (_, 'İ') => out.push('i'),
                // What the line above leaves of a decomposed İ in other languages.
                (_, '\u{307}') => {}
                _ => push_lowercase(c, out),
            }
        }
    }

    /// A lowercased word with its diacritics folded: what a reader without the
    /// language's keyboard types.
    pub fn fold(self, lowered: &str, out: &mut String) {
        out.clear();
        if lowered.is_ascii() {
            out.push_str(lowered);
            return;
        }
        for c in lowered.chars() {
            fold_char(c, out);
        }
    }

    /// The analyzers of this language, registered under their names.
    fn register(self, manager: &TokenizerManager) {
        let base = || {
            TextAnalyzer::builder(Words::default()).filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        };
        manager.register(
            &self.exact_analyzer(),
            base().filter(Normalize::new(self, Form::Exact)).build(),
        );
        let folded = base().filter(Normalize::new(self, Form::Folded));
        let folded = match self.stemming() {
            Some(language) => folded.filter(Stemmer::new(language)).build(),
            None => folded.build(),
        };
        manager.register(&self.folded_analyzer(), folded);
        manager.register(
            &self.suggest_analyzer(),
            base().filter(Normalize::new(self, Form::Suggest)).build(),
        );
    }
}

impl Language {
    /// `text`'s suggestion terms for an item of `edition`, each behind the edition's
    /// prefix, ready to index as they are.
    pub fn suggestion_tokens(self, edition: &str, text: String) -> PreTokenizedString {
        let prefix = suggestion_prefix(edition);
        let mut analyzer = TextAnalyzer::builder(Words::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(Normalize::new(self, Form::Suggest))
            .build();
        let mut tokens = Vec::new();
        let mut stream = analyzer.token_stream(&text);
        while stream.advance() {
            let mut token = stream.token().clone();
            token.text.insert_str(0, &prefix);
            tokens.push(token);
        }
        drop(stream);
        PreTokenizedString { text, tokens }
    }
}

/// Registers every language's analyzers with an index's tokenizer manager.
pub fn register_all(manager: &TokenizerManager) {
    for language in Language::ALL {
        language.register(manager);
    }
}

/// Folds one lowercased character to what a plain Latin keyboard types; Cyrillic and
/// other scripts stay (only ё, which Russian writers often type as е, is folded).
fn fold_char(c: char, out: &mut String) {
    let folded = match c {
        'ə' => "e",
        'ı' => "i",
        'ş' | 'ș' => "s",
        'ğ' => "g",
        'ü' => "u",
        'ö' => "o",
        'ç' => "c",
        'ё' => "е",
        // Combining marks of decomposed letters: the letter alone is what is typed.
        '\u{300}'..='\u{36f}' => return,
        // Latin letters with diacritics, and ligatures: their plain spelling.
        '\u{80}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}' => match deunicode::deunicode_char(c) {
            Some(plain) if plain.bytes().all(|b| b.is_ascii_alphanumeric()) => plain,
            _ => {
                out.push(c);
                return;
            }
        },
        _ => {
            out.push(c);
            return;
        }
    };
    out.push_str(folded);
}

/// Which form a token is normalized to.
#[derive(Clone, Copy, Debug)]
enum Form {
    Exact,
    Folded,
    /// `folded` SUGGEST_SEPARATOR `exact`: found by the folded prefix, shown as written.
    Suggest,
}

/// Lowercases by a language's rules, and folds, as [`Form`] says.
#[derive(Clone)]
struct Normalize {
    language: Language,
    form: Form,
}

impl Normalize {
    fn new(language: Language, form: Form) -> Self {
        Self { language, form }
    }
}

impl TokenFilter for Normalize {
    type Tokenizer<T: Tokenizer> = NormalizeTokenizer<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> NormalizeTokenizer<T> {
        NormalizeTokenizer {
            inner: tokenizer,
            filter: self,
            buffers: Buffers::default(),
        }
    }
}

#[derive(Clone, Default)]
struct Buffers {
    lowered: String,
    folded: String,
}

#[derive(Clone)]
struct NormalizeTokenizer<T> {
    inner: T,
    filter: Normalize,
    buffers: Buffers,
}

impl<T: Tokenizer> Tokenizer for NormalizeTokenizer<T> {
    type TokenStream<'a> = NormalizeStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        NormalizeStream {
            tail: self.inner.token_stream(text),
            filter: self.filter.clone(),
            buffers: &mut self.buffers,
        }
    }
}

struct NormalizeStream<'a, T> {
    tail: T,
    filter: Normalize,
    buffers: &'a mut Buffers,
}

impl<T: TokenStream> TokenStream for NormalizeStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let Buffers { lowered, folded } = &mut *self.buffers;
        let language = self.filter.language;
        let token = self.tail.token_mut();
        language.lowercase(&token.text, lowered);
        match self.filter.form {
            Form::Exact => mem::swap(&mut token.text, lowered),
            Form::Folded => {
                language.fold(lowered, folded);
                mem::swap(&mut token.text, folded);
            }
            Form::Suggest => {
                language.fold(lowered, folded);
                token.text.clear();
                token.text.push_str(folded);
                token.text.push(SUGGEST_SEPARATOR);
                token.text.push_str(lowered);
            }
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The terms `text` gives under the analyzer `name` of `manager`.
pub fn terms(manager: &TokenizerManager, name: &str, text: &str) -> Vec<String> {
    manager
        .get(name)
        .map(|mut analyzer| tokens(&mut analyzer, text))
        .unwrap_or_default()
}

/// The terms `text` gives under `analyzer`.
fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Each language's exact and folded analyzers, taken from an index's tokenizers once,
/// so a query neither names them anew nor looks them up under a lock.
pub struct Analyzers {
    exact: [TextAnalyzer; 4],
    folded: [TextAnalyzer; 4],
}

impl Analyzers {
    /// The analyzers `manager` has registered (see [`register_all`]).
    pub fn new(manager: &TokenizerManager) -> Self {
        let get = |name: String| manager.get(&name).unwrap_or_default();
        Self {
            exact: Language::ALL.map(|l| get(l.exact_analyzer())),
            folded: Language::ALL.map(|l| get(l.folded_analyzer())),
        }
    }

    /// The exact terms of `text` in `language`.
    pub fn exact(&self, language: Language, text: &str) -> Vec<String> {
        tokens(&mut self.exact[language.position()].clone(), text)
    }

    /// The folded (and stemmed) terms of `text` in `language`.
    pub fn folded(&self, language: Language, text: &str) -> Vec<String> {
        tokens(&mut self.folded[language.position()].clone(), text)
    }

    /// The folded analyzer of `language`, for highlighting.
    pub fn folded_analyzer(&self, language: Language) -> TextAnalyzer {
        self.folded[language.position()].clone()
    }
}

/// The exact, folded and suggestion terms of `text` in `language`, each analyzer run
/// once: for tools and fuzzing that want the analyzers without an index.
pub fn analyze(language: Language, text: &str) -> [Vec<String>; 3] {
    let manager = TokenizerManager::default();
    language.register(&manager);
    [
        terms(&manager, &language.exact_analyzer(), text),
        terms(&manager, &language.folded_analyzer(), text),
        terms(&manager, &language.suggest_analyzer(), text),
    ]
}

/// The plain text of a Markdown body: what readers read, without markup, links'
/// addresses or embedded HTML.
pub fn plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::BlockQuote(_),
            ) => out.push('\n'),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manager() -> TokenizerManager {
        let manager = TokenizerManager::default();
        register_all(&manager);
        manager
    }

    fn folded(language: Language, text: &str) -> Vec<String> {
        terms(&manager(), &language.folded_analyzer(), text)
    }

    fn exact(language: Language, text: &str) -> Vec<String> {
        terms(&manager(), &language.exact_analyzer(), text)
    }

    #[test]
    fn the_fast_paths_agree_with_unicode() {
        for c in ('\0'..='\u{2fff}').chain(['\u{1f600}', '\u{10400}', 'ẞ']) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
            let mut fast = String::new();
            push_lowercase(c, &mut fast);
            assert_eq!(fast, c.to_lowercase().collect::<String>(), "{c:?}");
        }
    }

    #[test]
    fn turkic_text_and_ascii_queries_meet() {
        let t = Language::Turkic;
        assert_eq!(folded(t, "Türkiye"), folded(t, "turkiye"));
        assert_eq!(folded(t, "Yaşar Güler"), folded(t, "yasar guler"));
        assert_eq!(folded(t, "Azərbaycan"), folded(t, "azerbaycan"));
        assert_eq!(folded(t, "Azərbaycan"), ["azerbaycan"]);
        assert_eq!(folded(t, "ılıq çağ"), ["iliq", "cag"]);
    }

    #[test]
    fn turkic_case_rules_apply() {
        let t = Language::Turkic;
        assert_eq!(exact(t, "İstanbul"), ["istanbul"]);
        assert_eq!(exact(t, "IŞIK"), ["ışık"]);
        assert_eq!(exact(t, "I\u{307}zmir"), ["izmir"]);
        // A reader typing capital I on a plain keyboard still finds İ and ı words.
        assert_eq!(folded(t, "ISTANBUL"), folded(t, "İstanbul"));
        assert_eq!(folded(t, "ILIQ"), folded(t, "ılıq"));
        // Elsewhere, I is i.
        assert_eq!(exact(Language::English, "ISTANBUL"), ["istanbul"]);
        assert_eq!(exact(Language::English, "İstanbul"), ["istanbul"]);
    }

    #[test]
    fn russian_and_english_are_stemmed() {
        let ru = Language::Russian;
        assert_eq!(folded(ru, "выборов"), folded(ru, "выборы"));
        assert_eq!(folded(ru, "Ёлка"), folded(ru, "елка"));
        assert_eq!(exact(ru, "Выборов"), ["выборов"]);
        let en = Language::English;
        assert_eq!(folded(en, "elections"), folded(en, "election"));
        assert_eq!(folded(en, "Café"), folded(en, "cafe"));
    }

    #[test]
    fn suggestion_terms_keep_the_word_as_written() {
        let terms = terms(
            &manager(),
            &Language::Turkic.suggest_analyzer(),
            "Azərbaycan",
        );
        assert_eq!(terms, ["azerbaycan\u{1}azərbaycan"]);
    }

    #[test]
    fn plain_text_drops_markup() {
        let text =
            plain_text("# Head\n\nSome *bold* [link](http://x.example) `code`.\n\n<b>raw</b>");
        assert!(text.contains("Head"));
        assert!(text.contains("Some bold link code."));
        assert!(!text.contains("http"));
        assert!(!text.contains("<b>"));
    }
}
