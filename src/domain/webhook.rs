//! Webhooks: what they are told about and where they may point.

use thiserror::Error;

/// Longest webhook address, in characters.
pub const MAX_WEBHOOK_URL_CHARS: usize = 2000;

/// Something that happened to an item that a webhook can be told about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookEvent {
    /// The item went public.
    Published,
    /// A public item was saved again.
    Updated,
    /// A public item was withdrawn, now or at its expiry.
    Withdrawn,
    /// A dated correction was added to a public item.
    Corrected,
}

impl WebhookEvent {
    /// Every event, in the order forms and lists show them.
    pub const ALL: [Self; 4] = [
        Self::Published,
        Self::Updated,
        Self::Withdrawn,
        Self::Corrected,
    ];

    /// The name used in forms, storage, headers and bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Published => "published",
            Self::Updated => "updated",
            Self::Withdrawn => "withdrawn",
            Self::Corrected => "corrected",
        }
    }

    /// The event called `name`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// The events one webhook is subscribed to: at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookEvents(Vec<WebhookEvent>);

impl WebhookEvents {
    /// The events named, each once, in the usual order; refused when there are none.
    pub fn from_events(events: &[WebhookEvent]) -> Result<Self, WebhookError> {
        let chosen: Vec<_> = WebhookEvent::ALL
            .into_iter()
            .filter(|e| events.contains(e))
            .collect();
        if chosen.is_empty() {
            return Err(WebhookError::NoEvents);
        }
        Ok(Self(chosen))
    }

    /// The events of a stored comma-separated list.
    pub fn parse(stored: &str) -> Result<Self, WebhookError> {
        let mut events = Vec::new();
        for name in stored.split(',').filter(|n| !n.is_empty()) {
            events.push(WebhookEvent::parse(name).ok_or(WebhookError::NoEvents)?);
        }
        Self::from_events(&events)
    }

    /// Whether `event` is among them.
    pub fn contains(&self, event: WebhookEvent) -> bool {
        self.0.contains(&event)
    }

    /// The events, in the usual order.
    pub fn iter(&self) -> impl Iterator<Item = WebhookEvent> + '_ {
        self.0.iter().copied()
    }

    /// The comma-separated list that is stored and shown.
    pub fn as_list(&self) -> String {
        self.0
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Where deliveries go: an absolute http or https address without credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(String);

impl WebhookUrl {
    /// Checks an address typed into the newsroom.
    pub fn parse(raw: &str) -> Result<Self, WebhookError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(WebhookError::Url("give the address deliveries go to"));
        }
        if raw.chars().count() > MAX_WEBHOOK_URL_CHARS {
            return Err(WebhookError::Url(
                "the address is too long (2000 characters at most)",
            ));
        }
        let url = reqwest::Url::parse(raw).map_err(|_| {
            WebhookError::Url("give a whole address, such as https://example.com/hooks")
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookError::Url(
                "the address must start with http:// or https://",
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(WebhookError::Url("the address must name a host"));
        }
        // A password in the address would show on every page that lists the webhook;
        // receivers check the signature instead.
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookError::Url(
                "leave the user name and password out of the address: receivers check the signature instead",
            ));
        }
        if url.fragment().is_some() {
            return Err(WebhookError::Url("leave the #fragment out of the address"));
        }
        Ok(Self(url.to_string()))
    }
}

impl AsRef<str> for WebhookUrl {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebhookError {
    /// The address is not one deliveries can go to; the text says why.
    #[error("{0}")]
    Url(&'static str),
    /// No event was chosen.
    #[error("choose at least one event")]
    NoEvents,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_and_https_addresses_are_taken() {
        assert!(WebhookUrl::parse("https://hooks.example/newsline").is_ok());
        assert!(WebhookUrl::parse("http://127.0.0.1:9000/x?a=1").is_ok());
        for bad in [
            "",
            "hooks.example/x",
            "ftp://hooks.example/x",
            "file:///etc/passwd",
            "https://user:pass@hooks.example/x",
            "https://user@hooks.example/x",
            "https://hooks.example/x#part",
        ] {
            assert!(WebhookUrl::parse(bad).is_err(), "{bad} was taken");
        }
        let long = format!(
            "https://hooks.example/{}",
            "a".repeat(MAX_WEBHOOK_URL_CHARS)
        );
        assert!(WebhookUrl::parse(&long).is_err());
    }

    #[test]
    fn events_are_kept_once_each_in_order() {
        let events = WebhookEvents::from_events(&[
            WebhookEvent::Withdrawn,
            WebhookEvent::Published,
            WebhookEvent::Withdrawn,
        ])
        .expect("two events");
        assert_eq!(events.as_list(), "published,withdrawn");
        assert_eq!(WebhookEvents::parse("published,withdrawn"), Ok(events));
        assert_eq!(WebhookEvents::from_events(&[]), Err(WebhookError::NoEvents));
    }
}
