//! The wire: agency feeds and the copy they bring, as the desk speaks of them.

use jiff::SignedDuration;
use thiserror::Error;

/// Longest feed address, in characters.
pub const MAX_FEED_URL_CHARS: usize = 2000;
/// Longest source name, in characters.
pub const MAX_SOURCE_CHARS: usize = 80;
/// Shortest time between two polls of one feed.
pub const MIN_POLL_INTERVAL: SignedDuration = SignedDuration::from_secs(60);
/// Longest time between two polls of one feed.
pub const MAX_POLL_INTERVAL: SignedDuration = SignedDuration::from_hours(24);
/// How often a feed is polled when nobody says.
pub const DEFAULT_POLL_INTERVAL: SignedDuration = SignedDuration::from_secs(300);

/// Why a feed's settings were refused; the text names the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    /// The address is not one a feed can be fetched from.
    #[error("address: {0}")]
    Url(&'static str),
    /// The source's name is empty, too long or has control characters.
    #[error("name: {0}")]
    Name(&'static str),
    /// The interval is out of range.
    #[error("interval: give whole minutes from 1 to 1440")]
    Interval,
}

/// Where a feed is fetched from: an http or https address with a host, no password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedUrl(String);

impl FeedUrl {
    /// Checks an address typed into the newsroom, the config or the command line.
    pub fn parse(raw: &str) -> Result<Self, WireError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(WireError::Url("give the feed's address"));
        }
        if raw.chars().count() > MAX_FEED_URL_CHARS {
            return Err(WireError::Url(
                "the address is too long (2000 characters at most)",
            ));
        }
        let url = reqwest::Url::parse(raw).map_err(|_| {
            WireError::Url("give a whole address, such as https://agency.example/feed.xml")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WireError::Url(
                "the address must start with http:// or https://",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(WireError::Url("the address must name a host"));
        }
        // The address shows on the feeds page and in the audit log.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WireError::Url(
                "leave the user name and password out of the address",
            ));
        }
        Ok(Self(url.to_string()))
    }
}

impl AsRef<str> for FeedUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The name a source is known by on the desk and in credit lines ("Caspian Wire").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceName(String);

impl SourceName {
    /// Checks a name, folding runs of white space.
    pub fn parse(raw: &str) -> Result<Self, WireError> {
        let folded = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(WireError::Name("give the source's name"));
        }
        if folded.chars().count() > MAX_SOURCE_CHARS {
            return Err(WireError::Name(
                "the name is too long (80 characters at most)",
            ));
        }
        if folded.chars().any(char::is_control) {
            return Err(WireError::Name("the name has a control character"));
        }
        Ok(Self(folded))
    }
}

impl AsRef<str> for SourceName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// How long to wait between polls of one feed: a whole number of minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollInterval(SignedDuration);

impl PollInterval {
    /// An interval of `minutes`, from 1 to 1440.
    pub fn minutes(minutes: i64) -> Result<Self, WireError> {
        let at = SignedDuration::from_mins(minutes);
        if (MIN_POLL_INTERVAL..=MAX_POLL_INTERVAL).contains(&at) {
            Ok(Self(at))
        } else {
            Err(WireError::Interval)
        }
    }

    /// An interval as stored, in seconds; out-of-range values are brought in range.
    pub fn from_secs(secs: i64) -> Self {
        Self(SignedDuration::from_secs(secs).clamp(MIN_POLL_INTERVAL, MAX_POLL_INTERVAL))
    }

    /// The interval.
    pub fn duration(self) -> SignedDuration {
        self.0
    }

    /// Whole minutes, as forms show it.
    pub fn as_minutes(self) -> i64 {
        self.0.as_mins()
    }
}

impl Default for PollInterval {
    fn default() -> Self {
        Self(DEFAULT_POLL_INTERVAL)
    }
}

/// Where a piece of wire copy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyState {
    /// In the queue, for the desk to take or dismiss.
    Waiting,
    /// Taken as a draft.
    Taken,
    /// Dismissed from the queue.
    Dismissed,
}

impl CopyState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Taken => "taken",
            Self::Dismissed => "dismissed",
        }
    }

    /// The state stored as `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Waiting, Self::Taken, Self::Dismissed]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_feed_addresses_without_passwords_are_taken() {
        assert!(FeedUrl::parse("https://agency.example/rss").is_ok());
        assert!(FeedUrl::parse(" http://127.0.0.1:9000/feed.xml ").is_ok());
        for bad in [
            "",
            "agency.example/rss",
            "file:///etc/passwd",
            "ftp://agency.example/rss",
            "https://user:secret@agency.example/rss",
        ] {
            assert!(FeedUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn intervals_are_whole_minutes_from_one_to_a_day() {
        assert!(PollInterval::minutes(0).is_err());
        assert!(PollInterval::minutes(1441).is_err());
        assert_eq!(
            PollInterval::minutes(5).map(PollInterval::as_minutes),
            Ok(5)
        );
        assert_eq!(PollInterval::from_secs(1).duration(), MIN_POLL_INTERVAL);
    }

    #[test]
    fn source_names_are_folded_and_bounded() {
        assert_eq!(
            SourceName::parse("  Caspian   Wire ").map(|n| n.as_ref().to_owned()),
            Ok("Caspian Wire".to_owned())
        );
        assert!(SourceName::parse(" ").is_err());
        assert!(SourceName::parse(&"x".repeat(81)).is_err());
        assert!(SourceName::parse("a\u{7}b").is_err());
    }
}
