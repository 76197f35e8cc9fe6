//! Who may do what in the newsroom.

use super::{DomainError, Status};

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
    /// A part of Newsline itself (an importer, the demo loader, the scheduler): content,
    /// taxonomy and editions, but never accounts or the audit log. No account has it.
    System,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Editor => "editor",
            Self::Reporter => "reporter",
            Self::System => "system",
        }
    }

    /// Reads an account's role by name; `system` is no account's, so it is refused.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        match raw {
            "admin" => Ok(Self::Admin),
            "editor" => Ok(Self::Editor),
            "reporter" => Ok(Self::Reporter),
            other => Err(DomainError::UnknownRole(other.to_owned())),
        }
    }
}

/// A language the newsroom's interface is written in, as an account chooses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InterfaceLanguage(&'static str);

impl InterfaceLanguage {
    /// Every language the newsroom speaks, by code.
    pub const CODES: [&'static str; 4] = ["az", "en", "ru", "tr"];

    /// Reads a language code; one the newsroom does not speak is refused.
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Self::CODES
            .iter()
            .find(|c| **c == raw)
            .map(|c| Self(c))
            .ok_or_else(|| DomainError::UnknownLanguage(raw.to_owned()))
    }

    /// The language's code.
    pub fn code(self) -> &'static str {
        self.0
    }
}

/// Something done in the newsroom that not every role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Open an item: its editor, history, differences and preview.
    View,
    /// Start a new item.
    Create,
    /// Change an item's text or fields.
    Edit,
    /// Hand a draft to the editors.
    SubmitForReview,
    /// Send an item in review or scheduled back to draft.
    ReturnToDraft,
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
    /// Mark an item as the lead story or as breaking news.
    SetFlags,
    /// Upload images.
    Upload,
    /// Move an uploaded image's focal point, which every crop of it keeps in view.
    FrameImage,
    /// Add or change sections, authors and tags.
    ManageTaxonomy,
    /// Add editions.
    ManageEditions,
    /// Create, disable and reset accounts.
    ManageUsers,
    /// Read who did what.
    ReadAudit,
    /// Register and remove webhooks, and see and repeat their deliveries.
    ManageWebhooks,
    /// Arrange, schedule and preview an edition's front page.
    ArrangeFrontPage,
    /// See the wire queue: agency copy waiting for the desk.
    ReadWire,
    /// File agency copy into the wire queue (the feed poller, `import feed`).
    FileWire,
    /// Dismiss wire copy, so that nobody on the desk sees it waiting again.
    DismissWire,
    /// Add, pause and remove the agency feeds that are polled.
    ManageWireFeeds,
}

impl Action {
    /// Every action, for tables and tests that must not miss one.
    pub const ALL: [Self; 23] = [
        Self::View,
        Self::Create,
        Self::Edit,
        Self::SubmitForReview,
        Self::ReturnToDraft,
        Self::Publish,
        Self::Schedule,
        Self::Unpublish,
        Self::Correct,
        Self::Restore,
        Self::SetFlags,
        Self::Upload,
        Self::FrameImage,
        Self::ManageTaxonomy,
        Self::ManageEditions,
        Self::ManageUsers,
        Self::ReadAudit,
        Self::ManageWebhooks,
        Self::ArrangeFrontPage,
        Self::ReadWire,
        Self::FileWire,
        Self::DismissWire,
        Self::ManageWireFeeds,
    ];
}

/// What an action is done to, as far as permission is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The newsroom as a whole: uploads, sections, tags, authors, editions, accounts, audit.
    Newsroom,
    /// The author entry for the actor themself, added when they credit themselves.
    OwnByline,
    /// The item the actor is creating in this very request.
    NewItem,
    /// An uploaded image: whether the actor uploaded it.
    Image {
        /// The actor uploaded it.
        own: bool,
    },
    /// An existing item: whether the actor created it, and its status now.
    Item {
        /// The actor created it.
        own: bool,
        /// Where it is in the workflow.
        status: Status,
    },
}

impl Scope {
    /// An existing item as `actor` sees it.
    pub fn item(actor: UserId, created_by: Option<UserId>, status: Status) -> Self {
        Self::Item {
            own: created_by == Some(actor),
            status,
        }
    }
}

/// Whether `role` may do `action` on `scope`: the newsroom's one permission rule.
///
/// Admins do everything; editors run the news but not accounts, editions or the audit
/// log; the system (importers, the scheduler) writes content, taxonomy and editions but
/// touches no account and reads no audit log; reporters write their own items while these are drafts or in review, see what is
/// published (read-only), and never publish, schedule, withdraw, correct or flag anything.
/// Workflow rules (only a draft can be submitted, and so on) are checked separately:
/// this says who may try.
pub fn may(role: Role, action: Action, scope: Scope) -> bool {
    use Action as A;
    match role {
        Role::Admin => true,
        Role::Editor => !matches!(
            action,
            A::ManageUsers
                | A::ReadAudit
                | A::ManageEditions
                | A::ManageWebhooks
                | A::ManageWireFeeds
        ),
        Role::System => !matches!(action, A::ManageUsers | A::ReadAudit | A::ManageWebhooks),
        Role::Reporter => {
            let with_writer = match scope {
                Scope::NewItem => true,
                Scope::Item { own, status } => {
                    own && matches!(status, Status::Draft | Status::Review)
                }
                Scope::Newsroom | Scope::OwnByline | Scope::Image { .. } => false,
            };
            match action {
                A::View => {
                    with_writer
                        || matches!(
                            scope,
                            Scope::Item {
                                status: Status::Published,
                                ..
                            }
                        )
                }
                A::Create => scope == Scope::NewItem,
                // Taking back one's own submission is allowed; the workflow decides
                // whether the item is in a state to go back.
                A::Edit | A::Restore | A::SubmitForReview | A::ReturnToDraft => with_writer,
                A::Upload => scope == Scope::Newsroom,
                // A colleague's framing may have been chosen for a published story.
                A::FrameImage => scope == Scope::Image { own: true },
                A::ManageTaxonomy => scope == Scope::OwnByline,
                // Reporters read the wire and take copy as their own draft (an editor
                // reviews it before it goes out); dismissing hides it from the whole desk.
                A::ReadWire => scope == Scope::Newsroom,
                A::FileWire | A::DismissWire | A::ManageWireFeeds => false,
                A::Publish
                | A::Schedule
                | A::Unpublish
                | A::Correct
                | A::SetFlags
                | A::ArrangeFrontPage
                | A::ManageEditions
                | A::ManageUsers
                | A::ReadAudit
                | A::ManageWebhooks => false,
            }
        }
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

    /// Every scope an action can be asked about.
    fn scopes() -> Vec<Scope> {
        let mut all = vec![
            Scope::Newsroom,
            Scope::OwnByline,
            Scope::NewItem,
            Scope::Image { own: true },
            Scope::Image { own: false },
        ];
        for status in Status::ALL {
            for own in [true, false] {
                all.push(Scope::Item { own, status });
            }
        }
        all
    }

    /// What a reporter may do, written out case by case rather than derived.
    fn reporter_expected(action: Action, scope: Scope) -> bool {
        use Action as A;
        let own_writing = matches!(
            scope,
            Scope::Item {
                own: true,
                status: Status::Draft | Status::Review
            }
        );
        match action {
            A::View => {
                own_writing
                    || scope == Scope::NewItem
                    || matches!(
                        scope,
                        Scope::Item {
                            status: Status::Published,
                            ..
                        }
                    )
            }
            A::Create => scope == Scope::NewItem,
            A::Edit | A::Restore | A::SubmitForReview | A::ReturnToDraft => {
                own_writing || scope == Scope::NewItem
            }
            A::Upload => scope == Scope::Newsroom,
            A::FrameImage => scope == Scope::Image { own: true },
            A::ManageTaxonomy => scope == Scope::OwnByline,
            A::ReadWire => scope == Scope::Newsroom,
            _ => false,
        }
    }

    #[test]
    fn every_role_action_and_scope_has_the_intended_answer() {
        for action in Action::ALL {
            for scope in scopes() {
                assert!(
                    may(Role::Admin, action, scope),
                    "admin {action:?} {scope:?}"
                );
                let editor = !matches!(
                    action,
                    Action::ManageUsers
                        | Action::ReadAudit
                        | Action::ManageEditions
                        | Action::ManageWebhooks
                        | Action::ManageWireFeeds
                );
                assert_eq!(
                    may(Role::Editor, action, scope),
                    editor,
                    "editor {action:?} {scope:?}"
                );
                assert_eq!(
                    may(Role::Reporter, action, scope),
                    reporter_expected(action, scope),
                    "reporter {action:?} {scope:?}"
                );
                let system = !matches!(
                    action,
                    Action::ManageUsers | Action::ReadAudit | Action::ManageWebhooks
                );
                assert_eq!(
                    may(Role::System, action, scope),
                    system,
                    "system {action:?} {scope:?}"
                );
            }
        }
    }

    #[test]
    fn a_reporter_never_publishes_even_while_creating() {
        for action in [
            Action::Publish,
            Action::Schedule,
            Action::Unpublish,
            Action::Correct,
            Action::SetFlags,
        ] {
            assert!(!may(Role::Reporter, action, Scope::NewItem), "{action:?}");
            for status in Status::ALL {
                let own = Scope::Item { own: true, status };
                assert!(!may(Role::Reporter, action, own), "{action:?} {status:?}");
            }
        }
        assert!(may(Role::Reporter, Action::Create, Scope::NewItem));
        assert!(may(Role::Reporter, Action::SubmitForReview, Scope::NewItem));
    }

    #[test]
    fn a_reporter_sees_own_work_in_progress_and_what_is_published_only() {
        let view = |own, status| may(Role::Reporter, Action::View, Scope::Item { own, status });
        assert!(view(true, Status::Draft));
        assert!(view(true, Status::Review));
        assert!(!view(false, Status::Draft), "a colleague's draft");
        assert!(!view(false, Status::Review), "a colleague's item in review");
        assert!(!view(false, Status::Scheduled));
        assert!(!view(false, Status::Unpublished));
        assert!(view(false, Status::Published));
        assert!(
            !may(
                Role::Reporter,
                Action::Edit,
                Scope::Item {
                    own: true,
                    status: Status::Published
                }
            ),
            "published is read-only, even one's own"
        );
    }

    #[test]
    fn only_editors_and_admins_keep_the_taxonomy_but_anyone_credits_themselves() {
        assert!(!may(
            Role::Reporter,
            Action::ManageTaxonomy,
            Scope::Newsroom
        ));
        assert!(may(
            Role::Reporter,
            Action::ManageTaxonomy,
            Scope::OwnByline
        ));
        assert!(may(Role::Editor, Action::ManageTaxonomy, Scope::Newsroom));
        assert!(!may(Role::Editor, Action::ManageEditions, Scope::Newsroom));
        assert!(may(Role::Admin, Action::ManageEditions, Scope::Newsroom));
    }

    #[test]
    fn scope_of_an_item_knows_whose_it_is() {
        assert_eq!(
            Scope::item(7, Some(7), Status::Draft),
            Scope::Item {
                own: true,
                status: Status::Draft
            }
        );
        assert_eq!(
            Scope::item(7, None, Status::Draft),
            Scope::Item {
                own: false,
                status: Status::Draft
            },
            "imported items belong to no one"
        );
    }

    #[test]
    fn no_account_can_be_given_the_system_role() {
        assert_eq!(Role::System.as_str(), "system");
        assert!(Role::parse("system").is_err());
        for role in [Role::Admin, Role::Editor, Role::Reporter] {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
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
