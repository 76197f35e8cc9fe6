//! Who may do what in the newsroom, walked case by case: every role, every action, on
//! the actor's own item and a colleague's, in every status and at creation, over HTTP
//! and through the use cases.
//!
//! A refusal must change nothing (the item, the change log that feeds the news line,
//! feeds and live stream, the public news line and feed); an allowed action must
//! really happen. The expected outcomes are written out here from the rules as the
//! newsroom states them, not derived from the code under test.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use newsline::domain::{Item, ItemId, Role, Status};
use newsline::newsroom::{Actor, Button, EditError, ItemCommand, ItemForm};
use reqwest::StatusCode;

use crate::newsroom::article_fields;
use crate::support::*;

/// Something done to an existing item, as the newsroom offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Open,
    History,
    Diff,
    Preview,
    Save,
    Submit,
    ReturnToDraft,
    /// Submit for review with a note for the editors.
    SubmitWithNote,
    /// Back to draft with a note for the reporter.
    ReturnWithNote,
    Publish,
    Schedule,
    Withdraw,
    WithdrawAt,
    Correct,
    Restore,
    Flag,
}

/// The note the hand-overs with a note send.
const NOTE: &str = "Please check the second paragraph.";

const OPS: [Op; 16] = [
    Op::Open,
    Op::History,
    Op::Diff,
    Op::Preview,
    Op::Save,
    Op::Submit,
    Op::ReturnToDraft,
    Op::SubmitWithNote,
    Op::ReturnWithNote,
    Op::Publish,
    Op::Schedule,
    Op::Withdraw,
    Op::WithdrawAt,
    Op::Correct,
    Op::Restore,
    Op::Flag,
];

impl Op {
    /// Whether the operation only shows something.
    fn reads(self) -> bool {
        matches!(
            self,
            Self::Open | Self::History | Self::Diff | Self::Preview
        )
    }
}

/// How an attempt ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// Shown, or done.
    Done,
    /// Shown as text, without a form to change it.
    ReadOnly,
    /// Allowed to try, but the workflow refuses it in this status (422).
    Invalid,
    /// Refused (403).
    Forbidden,
    /// Not there for this account (404).
    NotFound,
}

/// The rule for existing items: reporters see and change only their own drafts and
/// items in review, read what is published, and never publish, schedule, withdraw,
/// correct or flag; editors and admins may try everything, and the workflow decides.
fn expected(role: Role, own: bool, status: Status, op: Op) -> Outcome {
    use Op::*;
    if role == Role::Reporter {
        let writing = own && matches!(status, Status::Draft | Status::Review);
        if !writing && status != Status::Published {
            return Outcome::NotFound;
        }
        if !writing {
            return match op {
                Open => Outcome::ReadOnly,
                History | Diff => Outcome::Done,
                _ => Outcome::Forbidden,
            };
        }
        if matches!(
            op,
            Publish | Schedule | Withdraw | WithdrawAt | Correct | Flag
        ) {
            return Outcome::Forbidden;
        }
    }
    let fits = match op {
        Submit | SubmitWithNote => status == Status::Draft,
        ReturnToDraft | ReturnWithNote => matches!(status, Status::Review | Status::Scheduled),
        Publish | Schedule => status != Status::Published,
        Withdraw | WithdrawAt | Correct => status == Status::Published,
        _ => true,
    };
    if fits {
        Outcome::Done
    } else {
        Outcome::Invalid
    }
}

/// Something done while creating an item, in the same request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NewOp {
    Save,
    Submit,
    Publish,
    Schedule,
    Withdraw,
    ReturnToDraft,
    Flag,
    NewAuthor,
    NewTag,
    OwnByline,
}

const NEW_OPS: [NewOp; 10] = [
    NewOp::Save,
    NewOp::Submit,
    NewOp::Publish,
    NewOp::Schedule,
    NewOp::Withdraw,
    NewOp::ReturnToDraft,
    NewOp::Flag,
    NewOp::NewAuthor,
    NewOp::NewTag,
    NewOp::OwnByline,
];

/// The rule at creation: anyone starts an item and may hand it in at once; only
/// editors and admins publish, schedule, flag or add authors and tags as they go, and
/// anyone may credit themselves.
fn expected_new(role: Role, op: NewOp) -> Outcome {
    use NewOp::*;
    match (role, op) {
        (Role::Reporter, Publish | Schedule | Withdraw | Flag) => Outcome::Forbidden,
        // Refused with a message next to the field: an editor can add one.
        (Role::Reporter, NewAuthor | NewTag) => Outcome::Invalid,
        (_, Withdraw | ReturnToDraft) => Outcome::Invalid,
        _ => Outcome::Done,
    }
}

fn zone() -> TimeZone {
    TimeZone::get("Asia/Baku").expect("zone")
}

/// Two hours from now in the newsroom's zone, as its forms take it.
fn later() -> String {
    (Timestamp::now() + SignedDuration::from_hours(2))
        .to_zoned_datetime(zone())
        .strftime("%Y-%m-%dT%H:%M")
        .to_string()
}

fn form(headline: &str) -> ItemForm {
    ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: headline.into(),
        body: "First paragraph.\n\nSecond paragraph.".into(),
        section: "politics".into(),
        authors: "Ayla Karimova".into(),
        tags: "Parliament".into(),
        ..ItemForm::default()
    }
}

/// The command the editor's page makes of a form and a button; a form it refuses is
/// refused as the use case would refuse it.
fn command(f: &ItemForm, button: Button) -> Result<ItemCommand, EditError> {
    f.command(button, &zone()).map_err(EditError::Invalid)
}

/// What readers and the projections can see.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Public {
    line: Vec<String>,
    feed: Vec<String>,
}

/// Everything a refused attempt must leave as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    item: Option<Item>,
    seq: i64,
    public: Public,
    /// The note of the item's latest hand-over.
    note: Option<String>,
}

/// A site with an account under test, a colleague, and an editor who moves items
/// along the workflow to set each case up.
struct Cast {
    app: TestApp,
    browser: Browser,
    me: Actor,
    colleague: Actor,
    chief: Actor,
}

impl Cast {
    async fn new(role: Role) -> Self {
        let app = TestApp::spawn().await;
        let (browser, me) = app.signed_in_actor("writer", role).await;
        let colleague = app.actor("colleague", Role::Reporter).await;
        let chief = app.actor("chief", Role::Editor).await;
        // The author and tag every case names, so reporters can use them.
        app.newsroom
            .create_item(
                &chief,
                &command(&form("Seed"), Button::Save).expect("a valid form"),
            )
            .await
            .expect("seed item");
        Self {
            app,
            browser,
            me,
            colleague,
            chief,
        }
    }

    /// Puts `label`'s form over item `id` with `step`, as `actor`.
    async fn step(&self, actor: &Actor, id: ItemId, label: &str, step: Button) {
        let version = self.item(id).await.expect("item").version;
        let mut f = form(label);
        f.publish_at = later();
        let command = command(&f, step).expect("a valid form");
        self.app
            .newsroom
            .save_item(actor, id, version, &command)
            .await
            .unwrap_or_else(|e| panic!("{label}: {step:?}: {e:?}"));
    }

    /// A new item with two revisions (`… v1`, then `label`), brought to `status`.
    async fn item_in(&self, own: bool, status: Status, label: &str) -> Item {
        let owner = if own { &self.me } else { &self.colleague };
        let id = self
            .app
            .newsroom
            .create_item(
                owner,
                &command(&form(&format!("{label} v1")), Button::Save).expect("a valid form"),
            )
            .await
            .expect("created");
        self.step(owner, id, label, Button::Save).await;
        match status {
            Status::Draft => {}
            Status::Review => self.step(owner, id, label, Button::Submit).await,
            Status::Scheduled => self.step(&self.chief, id, label, Button::Schedule).await,
            Status::Published => self.step(&self.chief, id, label, Button::Publish).await,
            Status::Unpublished => {
                self.step(&self.chief, id, label, Button::Publish).await;
                self.step(&self.chief, id, label, Button::Unpublish).await;
            }
        }
        let item = self.item(id).await.expect("item");
        assert_eq!(item.status, status, "{label} set up");
        item
    }

    async fn item(&self, id: ItemId) -> Option<Item> {
        self.app.newsroom.item(id).await.expect("read")
    }

    async fn public(&self) -> Public {
        self.app.settle().await;
        let line = self.app.get("/en/").await.texts(".news-line li a");
        let feed = self.app.get("/en/feed.xml").await.body;
        let feed = feed
            .split("<title>")
            .skip(1)
            .filter_map(|t| t.split("</title>").next())
            .map(str::to_owned)
            .collect();
        Public { line, feed }
    }

    async fn seen(&self, id: Option<ItemId>) -> Seen {
        let public = self.public().await;
        Seen {
            item: match id {
                Some(id) => self.item(id).await,
                None => None,
            },
            seq: self.app.store.primary().last_seq().await.expect("seq"),
            public,
            note: match id {
                Some(id) => self
                    .app
                    .store
                    .last_hand_over(id)
                    .await
                    .expect("hand-overs")
                    .and_then(|h| h.note),
                None => None,
            },
        }
    }

    /// The oldest and newest revision of an item.
    async fn revisions(&self, id: ItemId) -> (i64, i64) {
        let all = self.app.store.revisions(id).await.expect("revisions");
        let newest = all.first().expect("a revision").version;
        let oldest = all.last().expect("a revision").version;
        (oldest, newest)
    }

    /// Tries `op` on `item` through the newsroom's pages, as a browser would send it.
    async fn over_http(&self, item: &Item, op: Op, label: &str) -> Fetched {
        let id = item.id;
        let version = item.version.to_string();
        let (oldest, newest) = self.revisions(id).await;
        let oldest = oldest.to_string();
        let b = &self.browser;
        let saved = format!("{label} saved");
        let later = later();
        match op {
            Op::Open => b.get(&format!("/newsroom/items/{id}")).await,
            Op::History => b.get(&format!("/newsroom/items/{id}/history")).await,
            Op::Diff => {
                b.get(&format!(
                    "/newsroom/items/{id}/diff?from={oldest}&to={newest}"
                ))
                .await
            }
            Op::Restore => {
                b.submit(
                    "/newsroom",
                    &format!("/newsroom/items/{id}/restore"),
                    &[("revision", &oldest), ("version", &version)],
                )
                .await
            }
            Op::Correct => {
                b.submit(
                    "/newsroom",
                    &format!("/newsroom/items/{id}/corrections"),
                    &[("note", "The vote was on Tuesday, not Monday.")],
                )
                .await
            }
            _ => {
                let (headline, step, extra): (&str, &str, Vec<(&str, &str)>) = match op {
                    Op::Preview => (label, "preview", vec![]),
                    Op::Save => (&saved, "save", vec![]),
                    Op::Submit => (label, "submit", vec![]),
                    Op::ReturnToDraft => (label, "draft", vec![]),
                    Op::SubmitWithNote => (label, "submit", vec![("note", NOTE)]),
                    Op::ReturnWithNote => (label, "draft", vec![("note", NOTE)]),
                    Op::Publish => (label, "publish", vec![]),
                    Op::Schedule => (label, "schedule", vec![("publish_at", &later)]),
                    Op::Withdraw => (label, "unpublish", vec![]),
                    Op::WithdrawAt => (label, "unpublish", vec![("unpublish_at", &later)]),
                    Op::Flag => (
                        label,
                        "save",
                        vec![("pinned", "true"), ("breaking", "true")],
                    ),
                    _ => unreachable!("handled above"),
                };
                let mut fields = article_fields(headline, step);
                fields.extend(extra);
                fields.push(("version", &version));
                b.submit("/newsroom", &format!("/newsroom/items/{id}"), &fields)
                    .await
            }
        }
    }

    /// Tries `op` on `item` through the use cases directly.
    async fn through_use_case(&self, item: &Item, op: Op, label: &str) -> Outcome {
        let nr = &self.app.newsroom;
        let (me, id) = (&self.me, item.id);
        let mut f = form(label);
        let step = match op {
            Op::Open | Op::History | Op::Diff | Op::Preview => {
                let seen = nr.item_for(me, id).await.expect("read");
                // Reads given an item check again, whoever handed them the item.
                let revisions = nr.revisions(me, item).await;
                let presence = nr.open_item(me, item).await;
                assert_eq!(
                    seen.is_some(),
                    revisions.is_ok() && presence.is_ok(),
                    "{label}: every read agrees on what this account sees"
                );
                return match seen {
                    Some(_) => Outcome::Done,
                    None => Outcome::NotFound,
                };
            }
            Op::Correct => {
                return outcome(
                    nr.add_correction(me, id, "The vote was on Tuesday, not Monday.")
                        .await,
                );
            }
            Op::Restore => {
                let (oldest, _) = self.revisions(id).await;
                return outcome(nr.restore_revision(me, id, item.version, oldest).await);
            }
            Op::Save => {
                f.headline = format!("{label} saved");
                Button::Save
            }
            Op::Submit => Button::Submit,
            Op::ReturnToDraft => Button::ReturnToDraft,
            Op::SubmitWithNote => {
                f.note = NOTE.into();
                Button::Submit
            }
            Op::ReturnWithNote => {
                f.note = NOTE.into();
                Button::ReturnToDraft
            }
            Op::Publish => Button::Publish,
            Op::Schedule => {
                f.publish_at = later();
                Button::Schedule
            }
            Op::Withdraw => Button::Unpublish,
            Op::WithdrawAt => {
                f.unpublish_at = later();
                Button::Unpublish
            }
            Op::Flag => {
                f.pinned = true;
                f.breaking = true;
                Button::Save
            }
        };
        outcome(match command(&f, step) {
            Ok(c) => nr.save_item(me, id, item.version, &c).await,
            Err(e) => Err(e),
        })
    }

    /// Walks every operation on own and others' items in every status.
    async fn walk_existing(&self, http: bool) {
        let role = self.me.role;
        for own in [true, false] {
            for status in Status::ALL {
                for op in OPS {
                    if !http && op == Op::Preview {
                        // Previewing is the editor page's own; there is no use case.
                        continue;
                    }
                    let whose = if own { "own" } else { "other" };
                    let label = format!("{role:?} {op:?} {whose} {status:?}");
                    let item = self.item_in(own, status, &label).await;
                    let want = expected(role, own, status, op);
                    let before = self.seen(Some(item.id)).await;
                    if http {
                        let response = self.over_http(&item, op, &label).await;
                        check_response(&response, op, want, &label);
                    } else {
                        let got = self.through_use_case(&item, op, &label).await;
                        let want = if want == Outcome::ReadOnly {
                            Outcome::Done
                        } else {
                            want
                        };
                        assert_eq!(got, want, "{label}");
                    }
                    let after = self.seen(Some(item.id)).await;
                    if want == Outcome::Done && !op.reads() {
                        check_effect(op, &before, &after, &label);
                    } else {
                        assert_eq!(before, after, "{label}: nothing may change");
                    }
                }
            }
        }
    }

    /// Walks every step taken while creating an item.
    async fn walk_creation(&self, http: bool) {
        let role = self.me.role;
        for op in NEW_OPS {
            let label = format!("{role:?} creates and {op:?} {http}");
            let want = expected_new(role, op);
            let before = self.seen(None).await;
            let new_author = format!("Author {} {}", role.as_str(), u8::from(http));
            let new_tag = format!("Tag {} {}", role.as_str(), u8::from(http));
            let later = later();
            let (step, extra): (&str, Vec<(&str, &str)>) = match op {
                NewOp::Save => ("save", vec![]),
                NewOp::Submit => ("submit", vec![]),
                NewOp::Publish => ("publish", vec![]),
                NewOp::Schedule => ("schedule", vec![("publish_at", &later)]),
                NewOp::Withdraw => ("unpublish", vec![("unpublish_at", &later)]),
                NewOp::ReturnToDraft => ("draft", vec![]),
                NewOp::Flag => ("save", vec![("pinned", "true"), ("breaking", "true")]),
                NewOp::NewAuthor => (
                    "save",
                    vec![("authors", &new_author), ("new_authors", &new_author)],
                ),
                NewOp::NewTag => ("save", vec![("tags", &new_tag)]),
                NewOp::OwnByline => ("save", vec![("authors", self.me.name.as_str())]),
            };
            let created = if http {
                let mut fields = article_fields(&label, step);
                fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
                fields.extend(extra.iter().copied());
                let response = self
                    .browser
                    .submit("/newsroom/items/new", "/newsroom/items", &fields)
                    .await;
                check_response(&response, Op::Save, want, &label);
                (response.status == StatusCode::SEE_OTHER).then(|| {
                    response
                        .header("location")
                        .trim_start_matches("/newsroom/items/")
                        .split('?')
                        .next()
                        .and_then(|id| id.parse::<ItemId>().ok())
                        .expect("the new item's id")
                })
            } else {
                let mut f = form(&label);
                for (k, v) in &extra {
                    match *k {
                        "publish_at" => f.publish_at = v.to_string(),
                        "unpublish_at" => f.unpublish_at = v.to_string(),
                        "pinned" => f.pinned = true,
                        "breaking" => f.breaking = true,
                        "authors" => f.authors = v.to_string(),
                        "tags" => f.tags = v.to_string(),
                        // Confirming a new author is the typed form's; the use case
                        // takes a program's names as the role allows.
                        "new_authors" => {}
                        other => unreachable!("{other}"),
                    }
                }
                let button = Button::parse(step).expect("a button");
                let result = match command(&f, button) {
                    Ok(c) => self.app.newsroom.create_item(&self.me, &c).await,
                    Err(e) => Err(e),
                };
                let id = result.as_ref().ok().copied();
                assert_eq!(outcome(result.map(|_| ())), want, "{label}");
                id
            };
            let after = self.seen(created).await;
            let authors: Vec<String> = self
                .app
                .store
                .authors()
                .await
                .expect("authors")
                .into_iter()
                .map(|a| a.name)
                .collect();
            let tags: Vec<String> = self
                .app
                .store
                .tags()
                .await
                .expect("tags")
                .into_iter()
                .map(|t| t.name)
                .collect();
            if want != Outcome::Done {
                assert_eq!(created, None, "{label}");
                assert_eq!(before, after, "{label}: nothing may change");
                assert!(!authors.contains(&new_author), "{label}");
                assert!(!tags.contains(&new_tag), "{label}");
                continue;
            }
            let item = after.item.clone().expect("created");
            let status = match op {
                NewOp::Submit => Status::Review,
                NewOp::Publish => Status::Published,
                NewOp::Schedule => Status::Scheduled,
                _ => Status::Draft,
            };
            assert_eq!(item.status, status, "{label}");
            assert_eq!(item.created_by, self.me.id, "{label}");
            assert_eq!(
                after.public.line.contains(&label),
                status == Status::Published,
                "{label}: public exactly when published"
            );
            assert_eq!(
                after.public.feed.iter().any(|t| t.contains(&label)),
                status == Status::Published,
                "{label}: in the feed exactly when published"
            );
            match op {
                NewOp::Flag => assert!(item.pinned && item.breaking, "{label}"),
                NewOp::NewAuthor => assert!(authors.contains(&new_author), "{label}"),
                NewOp::NewTag => assert!(tags.contains(&new_tag), "{label}"),
                NewOp::OwnByline => assert!(authors.contains(&self.me.name), "{label}"),
                NewOp::Schedule => {
                    assert!(item.published_at.is_some_and(|t| t > Timestamp::now()))
                }
                _ => assert!(!item.pinned && !item.breaking, "{label}"),
            }
        }
    }
}

fn outcome(result: Result<(), EditError>) -> Outcome {
    match result {
        Ok(()) => Outcome::Done,
        Err(EditError::Invalid(_)) => Outcome::Invalid,
        Err(EditError::Forbidden) => Outcome::Forbidden,
        Err(EditError::NotFound) => Outcome::NotFound,
        Err(other) => panic!("unexpected: {other:?}"),
    }
}

/// Whether a page is drawn in the newsroom's frame, with its navigation.
fn in_newsroom_layout(page: &Fetched) -> bool {
    page.body.contains("<body class=\"newsroom\">")
        && !page.texts("nav[aria-label=Newsroom] a").is_empty()
        && page.texts(".news-line").is_empty()
}

fn check_response(response: &Fetched, op: Op, want: Outcome, label: &str) {
    let has_form = !response.texts("form#item-form").is_empty();
    let (status, note) = match want {
        Outcome::Done if op == Op::Open => {
            assert!(has_form, "{label}: the editable form");
            (StatusCode::OK, "shown")
        }
        Outcome::Done if op == Op::Preview => {
            assert_eq!(response.texts(".preview h2"), ["Preview"], "{label}");
            (StatusCode::OK, "previewed")
        }
        Outcome::Done if op.reads() => (StatusCode::OK, "shown"),
        Outcome::Done => (StatusCode::SEE_OTHER, "done"),
        Outcome::ReadOnly => {
            assert!(!has_form, "{label}: no form that would end in a 403");
            assert!(
                response.texts("input[name=version]").is_empty(),
                "{label}: nothing to save"
            );
            assert_eq!(response.texts(".read-only").len(), 1, "{label}");
            (StatusCode::OK, "shown read-only")
        }
        Outcome::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "refused by the workflow"),
        Outcome::Forbidden => {
            assert!(
                in_newsroom_layout(response),
                "{label}: a 403 in the newsroom's layout: {}",
                response.body
            );
            (StatusCode::FORBIDDEN, "forbidden")
        }
        Outcome::NotFound => {
            assert!(
                in_newsroom_layout(response),
                "{label}: a 404 in the newsroom"
            );
            (StatusCode::NOT_FOUND, "not found")
        }
    };
    assert_eq!(
        response.status, status,
        "{label}: should be {note}: {}",
        response.body
    );
}

/// An allowed change really happened, and did what it says.
fn check_effect(op: Op, before: &Seen, after: &Seen, label: &str) {
    let b = before.item.as_ref().expect("item before");
    let a = after.item.as_ref().expect("item after");
    assert!(after.seq > before.seq, "{label}: the change is logged");
    let listed = |s: &Seen| s.public.line.iter().any(|h| h.starts_with(label));
    match op {
        Op::Save => {
            assert_eq!(a.headline, format!("{label} saved"), "{label}");
            assert_eq!(a.status, b.status, "{label}: saving keeps the status");
        }
        Op::Submit => assert_eq!(a.status, Status::Review, "{label}"),
        Op::ReturnToDraft => assert_eq!(a.status, Status::Draft, "{label}"),
        Op::SubmitWithNote | Op::ReturnWithNote => {
            let to = if op == Op::SubmitWithNote {
                Status::Review
            } else {
                Status::Draft
            };
            assert_eq!(a.status, to, "{label}");
            assert_eq!(
                after.note.as_deref(),
                Some(NOTE),
                "{label}: the note is kept"
            );
        }
        Op::Publish => {
            assert_eq!(a.status, Status::Published, "{label}");
            assert!(listed(after), "{label}: in the news line");
        }
        Op::Schedule => {
            assert_eq!(a.status, Status::Scheduled, "{label}");
            assert!(a.published_at.is_some_and(|t| t > Timestamp::now()));
        }
        Op::Withdraw => {
            assert_eq!(a.status, Status::Unpublished, "{label}");
            assert!(!listed(after), "{label}: out of the news line");
        }
        Op::WithdrawAt => {
            assert_eq!(a.status, Status::Published, "{label}: public until then");
            assert!(a.unpublish_at.is_some_and(|t| t > Timestamp::now()));
            assert!(listed(after), "{label}");
        }
        Op::Correct => assert_eq!(a.corrections.len(), b.corrections.len() + 1, "{label}"),
        Op::Restore => {
            assert_eq!(a.headline, format!("{label} v1"), "{label}");
            assert_eq!(a.status, b.status, "{label}: a restore keeps the status");
            assert_eq!(
                listed(after),
                a.status == Status::Published,
                "{label}: a restored published item stays public"
            );
        }
        Op::Flag => {
            assert!(a.pinned && a.breaking, "{label}");
            assert_eq!(a.status, b.status, "{label}");
        }
        Op::Open | Op::History | Op::Diff | Op::Preview => unreachable!("reads change nothing"),
    }
}

#[tokio::test]
async fn reporters_over_http_on_every_item_and_status() {
    Cast::new(Role::Reporter).await.walk_existing(true).await;
}

#[tokio::test]
async fn editors_over_http_on_every_item_and_status() {
    Cast::new(Role::Editor).await.walk_existing(true).await;
}

#[tokio::test]
async fn admins_over_http_on_every_item_and_status() {
    Cast::new(Role::Admin).await.walk_existing(true).await;
}

#[tokio::test]
async fn reporters_through_the_use_cases_on_every_item_and_status() {
    Cast::new(Role::Reporter).await.walk_existing(false).await;
}

#[tokio::test]
async fn editors_through_the_use_cases_on_every_item_and_status() {
    Cast::new(Role::Editor).await.walk_existing(false).await;
}

#[tokio::test]
async fn admins_through_the_use_cases_on_every_item_and_status() {
    Cast::new(Role::Admin).await.walk_existing(false).await;
}

#[tokio::test]
async fn every_step_taken_while_creating_is_checked_for_every_role() {
    for role in [Role::Reporter, Role::Editor, Role::Admin] {
        let cast = Cast::new(role).await;
        cast.walk_creation(true).await;
        cast.walk_creation(false).await;
    }
}

#[tokio::test]
async fn a_reporter_cannot_publish_or_schedule_an_item_in_the_request_that_creates_it() {
    let cast = Cast::new(Role::Reporter).await;
    let before = cast.seen(None).await;
    let later = later();
    for (step, extra) in [
        ("publish", None),
        ("schedule", Some(("publish_at", later.as_str()))),
    ] {
        let mut fields = article_fields("Straight to the portal", step);
        fields.extend(extra);
        let response = cast
            .browser
            .submit("/newsroom/items/new", "/newsroom/items", &fields)
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN, "{step}");
        assert!(in_newsroom_layout(&response), "{step}");
    }
    let after = cast.seen(None).await;
    assert_eq!(
        before, after,
        "no item, no change-log entry for the feeds and the live stream"
    );
    assert!(
        !cast
            .browser
            .get("/newsroom")
            .await
            .body
            .contains("Straight to the portal"),
        "not even a draft was left behind"
    );
}

#[tokio::test]
async fn a_reporter_reads_a_published_item_without_a_form_and_a_forged_save_is_refused() {
    let cast = Cast::new(Role::Reporter).await;
    let item = cast
        .item_in(false, Status::Published, "Published by the desk")
        .await;
    let page = cast
        .browser
        .get(&format!("/newsroom/items/{}", item.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.texts("form#item-form").is_empty());
    assert!(page.texts("button[name=step]").is_empty(), "no buttons");
    assert_eq!(page.texts(".read-only-item h2"), ["Published by the desk"]);
    assert_eq!(
        page.texts(".read-only-item .body p"),
        ["First paragraph.", "Second paragraph."]
    );
    let before = cast.seen(Some(item.id)).await;
    let mut fields = article_fields("Rewritten by a reporter", "save");
    let version = item.version.to_string();
    fields.push(("version", &version));
    let refused = cast
        .browser
        .submit(
            "/newsroom",
            &format!("/newsroom/items/{}", item.id),
            &fields,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(in_newsroom_layout(&refused), "{}", refused.body);
    assert_eq!(refused.texts("main h1"), ["Not allowed"]);
    assert_eq!(cast.seen(Some(item.id)).await, before);
}

#[tokio::test]
async fn a_reporter_opening_a_colleagues_draft_by_number_finds_nothing() {
    let cast = Cast::new(Role::Reporter).await;
    let draft = cast
        .item_in(false, Status::Draft, "A colleague's scoop")
        .await;
    for path in [
        format!("/newsroom/items/{}", draft.id),
        format!("/newsroom/items/{}/history", draft.id),
        format!("/newsroom/items/{}/diff?from=1&to=2", draft.id),
    ] {
        let page = cast.browser.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("scoop"), "{path}: nothing of it shows");
        assert!(in_newsroom_layout(&page), "{path}");
    }
    let presence = cast
        .browser
        .submit(
            "/newsroom",
            &format!("/newsroom/items/{}/presence", draft.id),
            &[],
        )
        .await;
    assert_eq!(presence.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_desk_lists_for_a_reporter_only_their_own_work_and_what_is_published() {
    let cast = Cast::new(Role::Reporter).await;
    for own in [true, false] {
        for status in Status::ALL {
            let whose = if own { "Mine" } else { "Theirs" };
            cast.item_in(own, status, &format!("{whose} {status:?}"))
                .await;
        }
    }
    let desk = cast.browser.get("/newsroom").await;
    let list = |id: &str| desk.texts(&format!("#list-{id} + table a"));
    assert_eq!(list("drafts"), ["Mine Draft"]);
    assert_eq!(list("review"), ["Mine Review"]);
    assert!(list("scheduled").is_empty());
    assert!(list("unpublished").is_empty());
    let published = list("published");
    assert!(
        published.contains(&"Mine Published".to_owned()),
        "{published:?}"
    );
    assert!(
        published.contains(&"Theirs Published".to_owned()),
        "{published:?}"
    );
    assert!(!desk.body.contains("Theirs Draft") && !desk.body.contains("Theirs Review"));

    let through = cast.app.newsroom.desk(&cast.me).await.expect("desk");
    assert_eq!(through.drafts.len(), 1);
    assert_eq!(through.in_review.len(), 1);
    assert!(through.scheduled.is_empty() && through.unpublished.is_empty());

    let (editor, _) = cast.app.signed_in_actor("desk-editor", Role::Editor).await;
    let desk = editor.get("/newsroom").await;
    for headline in [
        "Mine Draft",
        "Theirs Draft",
        "Theirs Review",
        "Theirs Scheduled",
        "Theirs Unpublished",
    ] {
        assert!(desk.body.contains(headline), "an editor sees {headline}");
    }
}

#[tokio::test]
async fn sections_editions_uploads_and_the_audit_log_follow_the_same_rule() {
    let app = TestApp::spawn().await;
    for (n, (name, role, section, edition, audit)) in [
        ("rep", Role::Reporter, false, false, false),
        ("edi", Role::Editor, true, false, false),
        ("adm", Role::Admin, true, true, true),
    ]
    .into_iter()
    .enumerate()
    {
        // Images of sizes of their own: the same bytes would be stored once.
        let size = 40 + 2 * u32::try_from(n).expect("small");
        let (browser, actor) = app.signed_in_actor(name, role).await;
        let before = app.store.primary().last_seq().await.expect("seq");
        let page = browser.get("/newsroom/sections").await;
        assert_eq!(
            page.texts("form[action='/newsroom/sections']").len(),
            usize::from(section),
            "{name}: the section form shows only to who may use it"
        );
        assert_eq!(
            page.texts("form[action='/newsroom/editions']").len(),
            usize::from(edition),
            "{name}"
        );
        let slug = format!("desk-{name}");
        let added = browser
            .submit(
                "/newsroom/sections",
                "/newsroom/sections",
                &[("edition", "en"), ("slug", &slug), ("name", "Desk news")],
            )
            .await;
        let code = format!("x{}", &name[..2]);
        let edition_added = browser
            .submit(
                "/newsroom/sections",
                "/newsroom/editions",
                &[("code", &code), ("name", "Extra"), ("outlet", "Extra")],
            )
            .await;
        let audit_page = browser.get("/newsroom/audit").await;
        let sections = app.newsroom.sections().await.expect("sections");
        let editions = app.newsroom.editions().await.expect("editions");
        let has_section = sections.iter().any(|s| s.slug.as_ref() == slug);
        let has_edition = editions.iter().any(|e| e.code.as_ref() == code);
        let expect = |ok: bool| {
            if ok {
                StatusCode::SEE_OTHER
            } else {
                StatusCode::FORBIDDEN
            }
        };
        assert_eq!(added.status, expect(section), "{name} adds a section");
        assert_eq!(has_section, section, "{name}");
        assert_eq!(
            edition_added.status,
            expect(edition),
            "{name} adds an edition"
        );
        assert_eq!(has_edition, edition, "{name}");
        assert_eq!(
            audit_page.status,
            if audit {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            },
            "{name} reads the audit log"
        );
        if !section && !edition {
            assert_eq!(
                app.store.primary().last_seq().await.expect("seq"),
                before,
                "{name}: nothing changed"
            );
        }
        // The same through the use cases.
        let direct = app
            .newsroom
            .add_section(&actor, "en", &format!("{slug}-2"), "Desk news two")
            .await;
        assert_eq!(direct.is_ok(), section, "{name}: {direct:?}");
        let direct = app
            .newsroom
            .add_edition(&actor, &format!("y{}", &name[..2]), "Why", "Why")
            .await;
        assert_eq!(direct.is_ok(), edition, "{name}: {direct:?}");

        // Launching a draft edition: over HTTP, then through the use case.
        let draft = format!("z{}", &name[..2]);
        app.newsroom
            .add_edition(&system_admin(), &draft, "Draft", "Draft")
            .await
            .expect("a draft edition");
        let token = csrf_of(&page);
        let launched = browser
            .post(
                &format!("/newsroom/editions/{draft}/launch"),
                &[("csrf", token.as_str())],
            )
            .await;
        assert_eq!(launched.status, expect(edition), "{name} launches");
        app.settle().await;
        assert_eq!(
            app.read.snapshot().edition(&draft).is_some(),
            edition,
            "{name}"
        );
        let again = format!("w{}", &name[..2]);
        app.newsroom
            .add_edition(&system_admin(), &again, "Draft", "Draft")
            .await
            .expect("a draft edition");
        let direct = app.newsroom.launch_edition(&actor, &again).await;
        assert_eq!(direct.is_ok(), edition, "{name}: {direct:?}");
        app.settle().await;
        assert_eq!(
            app.read.snapshot().edition(&again).is_some(),
            edition,
            "{name}"
        );

        // Renaming an edition: a form without its token, with it, then the use case.
        let en_name = || async {
            app.newsroom
                .editions()
                .await
                .expect("editions")
                .into_iter()
                .find(|e| e.code.as_ref() == "en")
                .map(|e| (e.name, e.outlet))
                .expect("en")
        };
        let stored = en_name().await;
        let before = app.store.primary().last_seq().await.expect("seq");
        let wanted = format!("Renamed by {name}");
        let fields = [("name", wanted.as_str()), ("outlet", "Outlet")];
        let forged = browser.post("/newsroom/editions/en/name", &fields).await;
        assert!(forged.status.is_client_error(), "{name}: {}", forged.status);
        assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
        assert_eq!(
            en_name().await,
            stored,
            "{name}: a forged rename changes nothing"
        );
        let mut with_token = fields.to_vec();
        with_token.push(("csrf", token.as_str()));
        let renamed = browser
            .post("/newsroom/editions/en/name", &with_token)
            .await;
        assert_eq!(renamed.status, expect(edition), "{name} renames an edition");
        assert_eq!(en_name().await.0 == wanted, edition, "{name}");
        if !edition {
            assert_eq!(en_name().await, stored, "{name}: nothing changed");
            assert_eq!(app.store.primary().last_seq().await.expect("seq"), before);
        }
        let direct = app
            .newsroom
            .rename_edition(&actor, "en", &format!("Direct {name}"), "Outlet")
            .await;
        assert_eq!(direct.is_ok(), edition, "{name}: {direct:?}");
        assert_eq!(
            en_name().await.0 == format!("Direct {name}"),
            edition,
            "{name}"
        );

        // Everyone may upload images.
        let uploads = app.store.primary().media(100).await.expect("media").len();
        let uploaded = upload(&browser, png(size, 20), "photo.png", "A photo").await;
        assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{name} uploads");
        let direct = app
            .newsroom
            .upload_image(&actor, png(size + 1, 20), "Another photo", "", "")
            .await;
        assert!(direct.is_ok(), "{name}: {direct:?}");
        assert_eq!(
            app.store.primary().media(100).await.expect("media").len(),
            uploads + 2
        );
    }
}

#[tokio::test]
async fn the_system_filing_path_is_not_reachable_from_http() {
    // Importers and the demo loader file batches as named parts of the system, whose
    // role may create editions and sections; the web layer acts only as its signed-in
    // accounts, so it never builds a batch nor acts as the system.
    let mut stack = vec![repo_root().join("src/web")];
    let mut read = 0;
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("dir") {
                stack.push(entry.expect("entry").path());
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("source");
            read += 1;
            for name in [
                "file_batch",
                "Filing",
                "Batch",
                "Actor::system",
                "Role::System",
            ] {
                assert!(
                    !text.contains(name),
                    "{} reaches the unchecked filing path ({name})",
                    path.display()
                );
            }
        }
    }
    assert!(read > 10, "the web layer's sources were read");
}

#[tokio::test]
async fn flags_an_editor_set_survive_a_reporters_save_and_restore() {
    let cast = Cast::new(Role::Reporter).await;
    let item = cast
        .item_in(true, Status::Review, "Flagged by the desk")
        .await;
    let mut flagged = form("Flagged by the desk");
    flagged.pinned = true;
    flagged.breaking = true;
    cast.app
        .newsroom
        .save_item(
            &cast.chief,
            item.id,
            item.version,
            &command(&flagged, Button::Save).expect("a valid form"),
        )
        .await
        .expect("the editor flags it");
    // The reporter's form has no flag boxes, so it sends none.
    let version = cast.item(item.id).await.expect("item").version.to_string();
    let mut fields = article_fields("Flagged, then edited", "save");
    fields.push(("version", &version));
    let saved = cast
        .browser
        .submit(
            "/newsroom",
            &format!("/newsroom/items/{}", item.id),
            &fields,
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = cast.item(item.id).await.expect("item");
    assert_eq!(after.headline, "Flagged, then edited");
    assert!(after.pinned && after.breaking, "the flags stand");
    let (oldest, _) = cast.revisions(item.id).await;
    cast.app
        .newsroom
        .restore_revision(&cast.me, item.id, after.version, oldest)
        .await
        .expect("the reporter restores their first version");
    let restored = cast.item(item.id).await.expect("item");
    assert_eq!(restored.headline, "Flagged by the desk v1");
    assert!(
        restored.pinned && restored.breaking,
        "a restore does not clear flags its actor may not change"
    );
}

/// An admin acting for the tests' set-up, as the config does.
fn system_admin() -> Actor {
    Actor::system("config")
}

#[tokio::test]
async fn a_hand_over_with_a_note_but_without_the_forms_token_changes_nothing_for_any_role() {
    for role in [Role::Reporter, Role::Editor, Role::Admin] {
        let cast = Cast::new(role).await;
        for (status, step) in [(Status::Draft, "submit"), (Status::Review, "draft")] {
            let label = format!("{role:?} forged {step}");
            let item = cast.item_in(true, status, &label).await;
            let before = cast.seen(Some(item.id)).await;
            let version = item.version.to_string();
            let mut fields = article_fields(&label, step);
            fields.push(("note", NOTE));
            fields.push(("version", &version));
            let forged = cast
                .browser
                .post(&format!("/newsroom/items/{}", item.id), &fields)
                .await;
            assert!(
                forged.status.is_client_error(),
                "{label}: {}",
                forged.status
            );
            assert_eq!(
                cast.seen(Some(item.id)).await,
                before,
                "{label}: nothing may change"
            );
        }
    }
}
