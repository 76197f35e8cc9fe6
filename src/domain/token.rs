//! Personal API tokens: what one may do, how long it lives, and how it is written.

use thiserror::Error;

/// What every token starts with, so that one pasted somewhere is recognised at once.
pub const TOKEN_PREFIX: &str = "nl_";
/// Length of a token's public id, in lowercase hex digits.
pub const PUBLIC_ID_LEN: usize = 12;
/// Length of a token's secret, in lowercase hex digits (256 random bits).
pub const SECRET_LEN: usize = 64;
/// Length of a whole token.
pub const TOKEN_LEN: usize = TOKEN_PREFIX.len() + PUBLIC_ID_LEN + 1 + SECRET_LEN;
/// Longest a token may live, in days: every token ends, and within a year.
pub const MAX_TOKEN_DAYS: u32 = 365;
/// Longest token name, in characters.
pub const MAX_TOKEN_NAME_CHARS: usize = 80;

/// One thing a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenScope {
    /// Read through the API what the owner may read.
    Read,
    /// Change content through the API as the owner may.
    Write,
}

impl TokenScope {
    /// The name used in requests, lists and storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
        }
    }
}

/// The scopes of one token: at least one of read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenScopes {
    read: bool,
    write: bool,
}

impl TokenScopes {
    /// Read only.
    pub const READ: Self = Self {
        read: true,
        write: false,
    };
    /// Write only.
    pub const WRITE: Self = Self {
        read: false,
        write: true,
    };
    /// Read and write.
    pub const READ_WRITE: Self = Self {
        read: true,
        write: true,
    };

    /// Reads a comma-separated list such as `read,write`; repeats are merged.
    pub fn parse(raw: &str) -> Result<Self, TokenError> {
        let mut scopes = Self {
            read: false,
            write: false,
        };
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "read" => scopes.read = true,
                "write" => scopes.write = true,
                other => return Err(TokenError::UnknownScope(other.chars().take(40).collect())),
            }
        }
        if !scopes.read && !scopes.write {
            return Err(TokenError::NoScope);
        }
        Ok(scopes)
    }

    /// From the check boxes of a form.
    pub fn from_flags(read: bool, write: bool) -> Result<Self, TokenError> {
        if read || write {
            Ok(Self { read, write })
        } else {
            Err(TokenError::NoScope)
        }
    }

    /// Whether `scope` is among these.
    pub fn allows(self, scope: TokenScope) -> bool {
        match scope {
            TokenScope::Read => self.read,
            TokenScope::Write => self.write,
        }
    }

    /// The scopes in a fixed order.
    pub fn list(self) -> Vec<TokenScope> {
        [TokenScope::Read, TokenScope::Write]
            .into_iter()
            .filter(|s| self.allows(*s))
            .collect()
    }

    /// The stored form, `read`, `write` or `read,write`.
    pub fn as_str(self) -> &'static str {
        match (self.read, self.write) {
            (true, true) => "read,write",
            (false, true) => "write",
            _ => "read",
        }
    }
}

/// What a person calls a token, to tell their tokens apart ("Mobile app build").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

impl TokenName {
    /// Trims and checks a name: 1 to 80 characters, no control characters.
    pub fn parse(raw: &str) -> Result<Self, TokenError> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME_CHARS {
            return Err(TokenError::BadName);
        }
        if name.chars().any(char::is_control) {
            return Err(TokenError::BadName);
        }
        Ok(Self(name.to_owned()))
    }
}

impl AsRef<str> for TokenName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// How long a new token lives: 1 to 365 days, never forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime(u32);

impl TokenLifetime {
    /// Checks a number of days.
    pub fn days(days: i64) -> Result<Self, TokenError> {
        u32::try_from(days)
            .ok()
            .filter(|d| (1..=MAX_TOKEN_DAYS).contains(d))
            .map(Self)
            .ok_or(TokenError::BadLifetime)
    }

    /// Reads a number of days as typed.
    pub fn parse(raw: &str) -> Result<Self, TokenError> {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| TokenError::BadLifetime)
            .and_then(Self::days)
    }

    /// The lifetime as a duration.
    pub fn duration(self) -> jiff::SignedDuration {
        jiff::SignedDuration::from_hours(i64::from(self.0) * 24)
    }

    /// The number of days.
    pub fn as_days(self) -> u32 {
        self.0
    }
}

/// The parts of a token as presented: `nl_<public id>_<secret>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenText<'a> {
    /// The public id, which names the token's row.
    pub public_id: &'a str,
    /// The whole token, whose hash is compared with the stored one.
    pub whole: &'a str,
}

impl<'a> TokenText<'a> {
    /// Splits a presented token; `None` when it is not in the form Newsline issues.
    pub fn parse(raw: &'a str) -> Option<Self> {
        let rest = raw.strip_prefix(TOKEN_PREFIX)?;
        if raw.len() != TOKEN_LEN {
            return None;
        }
        let (public_id, secret) = rest.split_at_checked(PUBLIC_ID_LEN)?;
        let secret = secret.strip_prefix('_')?;
        let hex = |s: &str| s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        (hex(public_id) && hex(secret) && secret.len() == SECRET_LEN).then_some(Self {
            public_id,
            whole: raw,
        })
    }

    /// Whether `raw` could be a public id (what the command line and forms name).
    pub fn is_public_id(raw: &str) -> bool {
        raw.len() == PUBLIC_ID_LEN && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }
}

/// Formats a token from its public id and secret, both lowercase hex.
pub fn token_text(public_id: &str, secret: &str) -> String {
    format!("{TOKEN_PREFIX}{public_id}_{secret}")
}

/// Why a token request was refused; each names the field at fault.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TokenError {
    /// The name is empty, too long or has control characters.
    #[error("give the token a name of 1 to {MAX_TOKEN_NAME_CHARS} characters")]
    BadName,
    /// No scope was chosen.
    #[error("choose at least one scope: read, write")]
    NoScope,
    /// A scope that does not exist.
    #[error("'{0}' is not a scope: use read, write or read,write")]
    UnknownScope(String),
    /// The lifetime is missing, not a number, or out of range.
    #[error("a token lives from 1 to {MAX_TOKEN_DAYS} days")]
    BadLifetime,
}

impl TokenError {
    /// The request field this error is about.
    pub fn field(&self) -> &'static str {
        match self {
            Self::BadName => "name",
            Self::NoScope | Self::UnknownScope(_) => "scopes",
            Self::BadLifetime => "expires_in_days",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_merge_and_refuse_the_unknown() {
        assert_eq!(TokenScopes::parse("read"), Ok(TokenScopes::READ));
        assert_eq!(
            TokenScopes::parse("write, read,read"),
            Ok(TokenScopes::READ_WRITE)
        );
        assert_eq!(TokenScopes::parse(""), Err(TokenError::NoScope));
        assert_eq!(
            TokenScopes::parse("read,admin"),
            Err(TokenError::UnknownScope("admin".into()))
        );
        assert!(!TokenScopes::READ.allows(TokenScope::Write));
        assert!(TokenScopes::WRITE.allows(TokenScope::Write));
        for s in [
            TokenScopes::READ,
            TokenScopes::WRITE,
            TokenScopes::READ_WRITE,
        ] {
            assert_eq!(TokenScopes::parse(s.as_str()), Ok(s));
        }
    }

    #[test]
    fn lifetimes_are_bounded() {
        for bad in ["0", "-1", "366", "", "ten", "1.5", "99999999999999999999"] {
            assert_eq!(
                TokenLifetime::parse(bad),
                Err(TokenError::BadLifetime),
                "{bad}"
            );
        }
        assert_eq!(
            TokenLifetime::parse(" 30 ").map(TokenLifetime::as_days),
            Ok(30)
        );
        assert_eq!(
            TokenLifetime::days(365).map(TokenLifetime::as_days),
            Ok(365)
        );
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            TokenName::parse("  CI deploy ").map(|n| n.as_ref().to_owned()),
            Ok("CI deploy".to_owned())
        );
        assert!(TokenName::parse("   ").is_err());
        assert!(TokenName::parse("a\u{7}b").is_err());
        assert!(TokenName::parse(&"x".repeat(81)).is_err());
    }

    #[test]
    fn only_tokens_in_the_issued_form_parse() {
        let id = "0123456789ab";
        let secret = "f".repeat(64);
        let token = token_text(id, &secret);
        assert_eq!(
            TokenText::parse(&token),
            Some(TokenText {
                public_id: id,
                whole: &token
            })
        );
        for bad in [
            String::new(),
            "nl_".into(),
            token.to_uppercase(),
            token.replace("nl_", "gh_"),
            format!("{token}0"),
            token[..token.len() - 1].to_owned(),
            token.replacen('_', "-", 2),
            format!("nl_{id}_{}", "g".repeat(64)),
            format!("nl_{}é_{}", &id[..10], &secret[..63]),
        ] {
            assert_eq!(TokenText::parse(&bad), None, "{bad}");
        }
        assert!(TokenText::is_public_id(id));
        assert!(!TokenText::is_public_id("0123"));
    }
}
