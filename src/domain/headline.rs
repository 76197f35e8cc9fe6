use super::DomainError;

/// A headline: trimmed, non-empty, at most [`Headline::MAX_CHARS`] characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Headline(String);

impl Headline {
    /// Longest headline accepted, in characters.
    pub const MAX_CHARS: usize = 200;

    /// Checks and normalizes a headline typed by an editor.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        // Runs of white space (including no-break spaces from pasted copy) fold to one space.
        let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(DomainError::EmptyHeadline);
        }
        if folded.chars().any(char::is_control) {
            return Err(DomainError::ControlCharacter);
        }
        let chars = folded.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(DomainError::HeadlineTooLong(chars));
        }
        Ok(Self(folded))
    }
}

impl AsRef<str> for Headline {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Headline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_blank_headline_is_rejected() {
        assert_eq!(Headline::parse(""), Err(DomainError::EmptyHeadline));
        assert_eq!(
            Headline::parse(" \u{a0}\t"),
            Err(DomainError::EmptyHeadline)
        );
    }

    #[test]
    fn a_headline_longer_than_200_characters_is_rejected() {
        let long = "ə".repeat(201);
        assert_eq!(
            Headline::parse(&long),
            Err(DomainError::HeadlineTooLong(201))
        );
        assert!(Headline::parse(&"ə".repeat(200)).is_ok());
    }

    #[test]
    fn white_space_inside_a_headline_is_folded() {
        let h = Headline::parse("  Azərbaycan,\u{a0} Türkiyə\n ").expect("valid");
        assert_eq!(h.as_ref(), "Azərbaycan, Türkiyə");
    }

    #[test]
    fn control_characters_are_rejected() {
        assert_eq!(
            Headline::parse("a\u{7}b"),
            Err(DomainError::ControlCharacter)
        );
    }
}
