//! Who may do what in the newsroom.

use super::DomainError;

/// Database identity of a newsroom account.
pub type UserId = i64;

/// What an account may do: admins everything, editors the news, reporters their own drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Everything, including accounts, site settings and the audit log.
    Admin,
    /// Edit, schedule, publish and unpublish any item; manage sections, tags, authors.
    Editor,
    /// Write and edit their own drafts and submit them for review.
    Reporter,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Reporter => "reporter",
        }
    }

    /// Reads a role by name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "admin" => Ok(Self::Admin),
            "editor" => Ok(Self::Editor),
            "reporter" => Ok(Self::Reporter),
            other => Err(DomainError::UnknownRole(other.to_owned())),
        }
    }
}

/// Something done in the newsroom that not every role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Start a new item.
    Create,
    /// Change an item's text or fields.
    Edit,
    /// Hand a draft to the editors.
    SubmitForReview,
    /// Make an item public now.
    Publish,
    /// Set an item to go public later.
    Schedule,
    /// Withdraw a public item, now or at a set time.
    Unpublish,
    /// Add a dated correction to a public item.
    Correct,
    /// Go back to an earlier revision.
    Restore,
    /// Upload images.
    Upload,
    /// Create, disable and reset accounts.
    ManageUsers,
    /// Read who did what.
    ReadAudit,
}

/// Whether `role` may do `action` on an item; `own_draft` is true when the item is
/// the actor's own and has not gone beyond review.
pub fn may(role: Role, action: Action, own_draft: bool) -> bool {
    match role {
        Role::Admin => true,
        Role::Editor => !matches!(action, Action::ManageUsers | Action::ReadAudit),
        Role::Reporter => match action {
            Action::Create | Action::Upload => true,
            Action::Edit | Action::SubmitForReview | Action::Restore => own_draft,
            _ => false,
        },
    }
}

/// A login name: 3 to 40 lowercase letters, digits, dots, hyphens or underscores.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Checks a login name.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let ok = (3..=40).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(DomainError::InvalidUsername(raw.to_owned()))
        }
    }
}

impl AsRef<str> for Username {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted, in bytes (hashing cost must stay bounded).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Checks a new password against the length rules.
pub fn check_password(password: &str) -> Result<(), DomainError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(DomainError::WeakPassword);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reporters_write_their_own_drafts_but_never_publish() {
        assert!(may(Role::Reporter, Action::Edit, true));
        assert!(!may(Role::Reporter, Action::Edit, false));
        assert!(may(Role::Reporter, Action::SubmitForReview, true));
        for action in [
            Action::Publish,
            Action::Schedule,
            Action::Unpublish,
            Action::Correct,
            Action::ManageUsers,
        ] {
            assert!(!may(Role::Reporter, action, true), "{action:?}");
        }
    }

    #[test]
    fn editors_run_the_news_but_not_the_accounts() {
        for action in [
            Action::Edit,
            Action::Publish,
            Action::Schedule,
            Action::Unpublish,
            Action::Correct,
        ] {
            assert!(may(Role::Editor, action, false), "{action:?}");
        }
        assert!(!may(Role::Editor, Action::ManageUsers, false));
        assert!(!may(Role::Editor, Action::ReadAudit, false));
        assert!(may(Role::Admin, Action::ManageUsers, false));
    }

    #[test]
    fn usernames_and_passwords_have_rules() {
        assert!(Username::parse("madina.m").is_ok());
        for bad in ["ab", "Madina", "a b", "ə-user", &"x".repeat(41)] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
        assert!(check_password("short").is_err());
        assert!(check_password("long enough password").is_ok());
        assert!(check_password(&"x".repeat(2000)).is_err());
    }
}
