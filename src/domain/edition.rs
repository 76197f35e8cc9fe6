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
    /// BCP 47 language tag of its pages (`lang`, `hreflang`): its code unless the
    /// config says more, such as `az-Latn`.
    pub language: LanguageTag,
    /// IANA time zone its times are shown in, when not the site's.
    pub time_zone: Option<String>,
    /// False while the newsroom prepares it: readers see nothing of a draft edition
    /// until an admin launches it.
    pub launched: bool,
}

impl Edition {
    /// An edition whose language is its code, in the site's time zone.
    pub fn new(code: EditionCode, name: impl Into<String>, outlet: impl Into<String>) -> Self {
        Self {
            language: LanguageTag::of(&code),
            code,
            name: name.into(),
            outlet: outlet.into(),
            time_zone: None,
            launched: true,
        }
    }
}

/// A BCP 47 language tag, checked for shape: a primary language subtag of two or
/// three letters, then subtags of one to eight letters or digits (`az`, `az-Latn`,
/// `en-GB`, `sr-Cyrl-RS`). Kept as written, but with the primary subtag lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageTag(String);

impl LanguageTag {
    /// Checks a tag's shape.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let bad = || DomainError::InvalidLanguageTag(raw.to_owned());
        let mut parts = raw.split('-');
        let primary = parts.next().unwrap_or_default();
        if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(bad());
        }
        let mut tag = primary.to_ascii_lowercase();
        for part in parts {
            if part.is_empty() || part.len() > 8 || !part.bytes().all(|b| b.is_ascii_alphanumeric())
            {
                return Err(bad());
            }
            tag.push('-');
            tag.push_str(part);
        }
        Ok(Self(tag))
    }

    /// The tag of an edition's code alone.
    pub fn of(code: &EditionCode) -> Self {
        Self(code.as_ref().to_owned())
    }

    /// The primary language subtag: `az` of `az-Latn`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
}

impl AsRef<str> for LanguageTag {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for LanguageTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
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

    #[test]
    fn language_tags_are_checked_for_shape() {
        for (raw, tag, primary) in [
            ("az", "az", "az"),
            ("AZ-Latn", "az-Latn", "az"),
            ("en-GB", "en-GB", "en"),
            ("sr-Cyrl-RS", "sr-Cyrl-RS", "sr"),
        ] {
            let parsed = LanguageTag::parse(raw).expect(raw);
            assert_eq!(parsed.as_ref(), tag);
            assert_eq!(parsed.primary(), primary);
        }
        for bad in [
            "",
            "a",
            "azer",
            "az-",
            "az--Latn",
            "az-toolongsubtag",
            "az_Latn",
            "ə",
        ] {
            assert!(LanguageTag::parse(bad).is_err(), "{bad:?}");
        }
    }
}
