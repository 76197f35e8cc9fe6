//! A reader's search query: any text is read as words, phrases, exclusions and
//! filters, within the limits, and every language's analyzers take every word.

#![no_main]

use libfuzzer_sys::fuzz_target;
use newsline::search::analyzer::{Language, analyze};
use newsline::search::query::{MAX_CLAUSES, MAX_PHRASE_WORDS, MAX_QUERY_CHARS, parse};
use newsline::search::Clause;

fuzz_target!(|text: &str| {
    let parsed = parse(text);
    assert!(parsed.text.chars().count() <= MAX_QUERY_CHARS);
    assert!(!parsed.text.chars().any(char::is_control));
    assert!(parsed.include.len() + parsed.exclude.len() <= MAX_CLAUSES);
    for clause in parsed.include.iter().chain(&parsed.exclude) {
        let words = match clause {
            Clause::Word(w) => vec![w.clone()],
            Clause::Phrase(ws) => {
                assert!((2..=MAX_PHRASE_WORDS).contains(&ws.len()));
                ws.clone()
            }
        };
        for word in words {
            assert!(!word.is_empty() && !word.chars().any(char::is_whitespace));
            for language in Language::ALL {
                let [exact, folded, suggest] = analyze(language, &word);
                assert_eq!(exact.len(), folded.len());
                assert_eq!(exact.len(), suggest.len());
            }
        }
    }
    for slug in [&parsed.section, &parsed.author].into_iter().flatten() {
        assert!(!slug.is_empty());
    }
});
