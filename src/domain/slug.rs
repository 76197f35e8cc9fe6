use super::DomainError;

/// A URL-safe name: lowercase ASCII letters, digits and single inner hyphens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slug(String);

impl Slug {
    /// Longest slug accepted, in bytes.
    pub const MAX_LEN: usize = 96;

    /// Accepts a slug as given, refusing anything that is not already safe.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !raw.starts_with('-')
            && !raw.ends_with('-')
            && !raw.contains("--");
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::UnsafeSlug(raw.to_owned()))
        }
    }

    /// Derives a slug from a headline or name in any script, transliterating to ASCII.
    ///
    /// Falls back to `fallback` when nothing usable is left (a headline of punctuation only).
    pub fn from_text(text: &str, fallback: &str) -> Self {
        // deunicode reads ə as the IPA schwa and gives "@"; Azerbaijani spells it e in Latin.
        // Apostrophes join a word rather than split it: "Türkiye’s" gives "turkiyes".
        let text = text.replace(['ə', 'Ə'], "e").replace(['\'', '’', 'ʼ'], "");
        let ascii = deunicode::deunicode(&text).to_ascii_lowercase();
        let mut out = String::with_capacity(ascii.len());
        for word in ascii.split(|c: char| !c.is_ascii_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let extra = usize::from(!out.is_empty()) + word.len();
            if out.len() + extra > Self::MAX_LEN {
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(word);
        }
        if out.is_empty() {
            out = fallback.to_owned();
        }
        Self(out)
    }
}

impl AsRef<str> for Slug {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_transliterate_azerbaijani_turkish_and_russian() {
        assert_eq!(
            Slug::from_text("Azərbaycan, Türkiyə hərbi əməkdaşlığı", "item").as_ref(),
            "azerbaycan-turkiye-herbi-emekdasligi"
        );
        assert_eq!(
            Slug::from_text("Şuşa'da sergi", "item").as_ref(),
            "susada-sergi"
        );
        assert_eq!(
            Slug::from_text("Türkiye’s day", "item").as_ref(),
            "turkiyes-day"
        );
        assert_eq!(
            Slug::from_text("Баку и Анкара", "item").as_ref(),
            "baku-i-ankara"
        );
    }

    #[test]
    fn a_slug_never_exceeds_the_limit_or_ends_with_a_hyphen() {
        let s = Slug::from_text(&"word ".repeat(100), "item");
        assert!(s.as_ref().len() <= Slug::MAX_LEN);
        assert!(Slug::parse(s.as_ref()).is_ok());
    }

    #[test]
    fn text_without_letters_falls_back() {
        assert_eq!(Slug::from_text("!!! ?", "item").as_ref(), "item");
    }

    #[test]
    fn unsafe_slugs_are_rejected() {
        for bad in ["", "Upper", "a--b", "-a", "a-", "a/b", "a b", "ə", "../x"] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Slug::parse("foreign-policy").is_ok());
    }
}
