use super::DomainError;

/// An edition's code: its language, and the first segment of every reader URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EditionCode(String);

impl EditionCode {
    /// Accepts a lowercase ISO 639 language code of two or three letters, except
    /// `api`: an edition's pages start with its code, and `/api/` is the API's.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw == "api" {
            return Err(DomainError::ReservedEditionCode(raw.to_owned()));
        }
        if (2..=3).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidEditionCode(raw.to_owned()))
        }
    }
}

impl AsRef<str> for EditionCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for EditionCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One language edition of the site, with its own sections, tags and news line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// Language code and URL prefix.
    pub code: EditionCode,
    /// Site name shown in this edition's header.
    pub name: String,
    /// Outlet shown after a byline when an item names none.
    pub outlet: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edition_codes_are_short_lowercase_language_codes() {
        for good in ["en", "az", "tr", "ru", "fil"] {
            assert!(EditionCode::parse(good).is_ok());
        }
        for bad in ["", "e", "EN", "en-gb", "engl", "a1", "ə", "api"] {
            assert!(EditionCode::parse(bad).is_err(), "{bad:?}");
        }
    }
}
