//! What a reader typed, read as words, "quoted phrases", `-exclusions` and the
//! `section:` and `author:` filters. Anything else is plain words: there is no syntax
//! error, because there is no other syntax (a query is never handed to tantivy's own
//! parser, whose grammar readers do not know).

/// Longest query read, in characters; the rest is dropped.
pub const MAX_QUERY_CHARS: usize = 10_000;

/// Most words and phrases that count; a longer query keeps its first ones.
pub const MAX_CLAUSES: usize = 32;

/// Most words in one phrase.
pub const MAX_PHRASE_WORDS: usize = 16;

/// One part of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word that must appear.
    Word(String),
    /// Words that must appear together, in this order.
    Phrase(Vec<String>),
}

/// A reader's query, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// What must match.
    pub include: Vec<Clause>,
    /// What must not.
    pub exclude: Vec<Clause>,
    /// A section's slug from `section:`.
    pub section: Option<String>,
    /// An author's slug from `author:`.
    pub author: Option<String>,
    /// The query as read: control characters dropped, cut to [`MAX_QUERY_CHARS`].
    pub text: String,
}

impl Parsed {
    /// True when nothing but (perhaps) filters was asked for.
    pub fn is_empty(&self) -> bool {
        self.include.is_empty() && self.exclude.is_empty()
    }

    /// The words asked for, in order, phrases' words included: what a spelling
    /// suggestion corrects.
    pub fn words(&self) -> Vec<&str> {
        self.include
            .iter()
            .flat_map(|c| match c {
                Clause::Word(w) => std::slice::from_ref(w).iter(),
                Clause::Phrase(ws) => ws.iter(),
            })
            .map(String::as_str)
            .collect()
    }
}

/// The query text a reader sent, cleaned: control characters become spaces, and only
/// the first [`MAX_QUERY_CHARS`] characters count.
pub fn clean(raw: &str) -> String {
    raw.chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Reads a query; never fails.
pub fn parse(raw: &str) -> Parsed {
    let text = clean(raw);
    let mut parsed = Parsed::default();
    let mut chars = text.chars().peekable();
    let mut clauses = 0;
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let Some(&first) = chars.peek() else { break };
        // Any run of minus signs before a word or phrase excludes it.
        let mut negated = false;
        if first == '-' {
            while chars.next_if_eq(&'-').is_some() {}
            negated = true;
            if chars.peek().is_none_or(|c| c.is_whitespace()) {
                continue;
            }
        }
        let clause = if chars.next_if_eq(&'"').is_some() {
            // A phrase runs to the closing quote, or to the end when there is none.
            let mut phrase = String::new();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                phrase.push(c);
            }
            let words: Vec<String> = phrase
                .split_whitespace()
                .take(MAX_PHRASE_WORDS)
                .map(str::to_owned)
                .collect();
            match words.len() {
                0 => continue,
                1 => Clause::Word(words.into_iter().next().unwrap_or_default()),
                _ => Clause::Phrase(words),
            }
        } else {
            let mut word = String::new();
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                word.push(c);
            }
            if !negated && let Some((key, value)) = word.split_once(':') {
                let slot = match key.to_lowercase().as_str() {
                    "section" => Some(&mut parsed.section),
                    "author" => Some(&mut parsed.author),
                    _ => None,
                };
                if let Some(slot) = slot
                    && !value.is_empty()
                {
                    *slot = Some(value.to_lowercase());
                    continue;
                }
            }
            Clause::Word(word)
        };
        if clauses == MAX_CLAUSES {
            break;
        }
        clauses += 1;
        if negated {
            parsed.exclude.push(clause);
        } else {
            parsed.include.push(clause);
        }
    }
    parsed.text = text;
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<Clause> {
        list.iter().map(|w| Clause::Word((*w).to_owned())).collect()
    }

    #[test]
    fn words_phrases_exclusions_and_filters() {
        let p = parse(r#"turkiye "yasar guler" -football section:politics Author:Jane-Doe"#);
        assert_eq!(
            p.include,
            vec![
                Clause::Word("turkiye".into()),
                Clause::Phrase(vec!["yasar".into(), "guler".into()])
            ]
        );
        assert_eq!(p.exclude, words(&["football"]));
        assert_eq!(p.section.as_deref(), Some("politics"));
        assert_eq!(p.author.as_deref(), Some("jane-doe"));
    }

    #[test]
    fn odd_input_is_plain_words() {
        let p = parse(r#""unbalanced quote"#);
        assert_eq!(
            p.include,
            vec![Clause::Phrase(vec!["unbalanced".into(), "quote".into()])]
        );
        assert!(parse(r#"- -- """ "#).is_empty());
        let p = parse("title:foo AND (bar OR baz*) a~2 /re.*x/ section:");
        assert_eq!(
            p.include,
            words(&[
                "title:foo",
                "AND",
                "(bar",
                "OR",
                "baz*)",
                "a~2",
                "/re.*x/",
                "section:"
            ])
        );
        assert_eq!(p.section, None);
        assert_eq!(parse("-\"two words\"").exclude.len(), 1);
    }

    #[test]
    fn long_queries_are_cut_and_control_characters_dropped() {
        let long = "a ".repeat(20_000);
        let p = parse(&long);
        assert_eq!(p.text.chars().count(), MAX_QUERY_CHARS);
        assert_eq!(p.include.len(), MAX_CLAUSES);
        let p = parse("baku\u{0}\u{7}\u{1b}[31mnews\r\n");
        assert_eq!(p.include, words(&["baku", "[31mnews"]));
        assert!(!p.text.chars().any(char::is_control));
    }
}
