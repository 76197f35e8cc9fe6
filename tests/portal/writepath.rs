//! One typed write path: forms, importers and the demo loader map onto the same use
//! cases; checking writes nothing; every write leaves a revision and audit entries
//! naming who made it, an account or a named part of the system.

use newsline::domain::{ItemId, Role, Status};
use newsline::newsroom::{
    Actor, Button, DraftInput, EditError, Field, ItemForm, NewsroomError, SectionRef,
};
use newsline::store::Store;
use reqwest::StatusCode;

use crate::import::newsline;
use crate::newsroom::{article_fields, create, save};
use crate::support::*;

fn zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Baku").expect("zone")
}

/// Everything a refused write must leave as it was.
#[derive(Debug, PartialEq, Eq)]
struct Contents {
    seq: i64,
    authors: Vec<String>,
    tags: Vec<String>,
    sections: Vec<String>,
    audit: usize,
}

async fn contents(store: &Store) -> Contents {
    let primary = store.primary();
    Contents {
        seq: primary.last_seq().await.expect("seq"),
        authors: primary
            .authors()
            .await
            .expect("authors")
            .into_iter()
            .map(|a| a.name)
            .collect(),
        tags: primary
            .tags()
            .await
            .expect("tags")
            .into_iter()
            .map(|t| t.name)
            .collect(),
        sections: primary
            .sections()
            .await
            .expect("sections")
            .into_iter()
            .map(|s| s.slug.to_string())
            .collect(),
        audit: primary.audit_entries(10_000).await.expect("audit").len(),
    }
}

fn form(headline: &str) -> ItemForm {
    ItemForm {
        edition: "en".into(),
        kind: "article".into(),
        headline: headline.into(),
        body: "Text.".into(),
        section: "politics".into(),
        authors: "Ayla Karimova".into(),
        ..ItemForm::default()
    }
}

#[tokio::test]
async fn a_form_that_does_not_parse_is_refused_field_by_field_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let before = contents(&app.store).await;
    let mut fields = article_fields("", "publish");
    fields.retain(|(k, _)| !matches!(*k, "section" | "authors" | "tags"));
    fields.extend([
        ("section", "no-such-section"),
        ("authors", "A Brand New Author"),
        ("tags", "A brand new tag"),
        ("embargo", "next week"),
    ]);
    let response = editor
        .submit("/newsroom/items/new", "/newsroom/items", &fields)
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = response.texts(".field-error");
    for expected in ["headline is empty", "section", "date and time"] {
        assert!(
            errors.iter().any(|e| e.contains(expected)),
            "{expected}: {errors:?}"
        );
    }
    // The page keeps what was typed.
    assert!(response.body.contains("A Brand New Author"));
    assert_eq!(contents(&app.store).await, before, "nothing was written");

    // The same through the parser alone: it needs no store and so can touch none.
    let bad = ItemForm {
        headline: String::new(),
        authors: "A Brand New Author".into(),
        tags: "A brand new tag".into(),
        ..form("")
    };
    let errors = bad
        .command(Button::Save, &zone())
        .expect_err("an empty headline");
    assert_eq!(
        errors.for_field(Field::Headline),
        Some("the headline is empty")
    );
    let actor = app.actor("checker", Role::Editor).await;
    let before = contents(&app.store).await;
    let refusal = app
        .newsroom
        .refusal(
            &actor,
            None,
            Button::Save.action(),
            &bad.input(&zone()),
            errors,
        )
        .await
        .expect("the store answers");
    assert!(
        matches!(&refusal, EditError::Invalid(e) if e.get("headline").is_some()),
        "{refusal:?}"
    );
    assert_eq!(contents(&app.store).await, before, "asking wrote nothing");
}

#[tokio::test]
async fn a_command_whose_references_fail_adds_no_author_or_tag() {
    let app = TestApp::spawn().await;
    let actor = app.actor("desk", Role::Editor).await;
    let reporter = app.actor("cub", Role::Reporter).await;
    let before = contents(&app.store).await;
    // Well formed, so it reaches the use case; but the section is not there.
    let command = ItemForm {
        section: "culture".into(),
        authors: "Someone New".into(),
        tags: "Something new".into(),
        related: "999".into(),
        ..form("Checked before anything is written")
    }
    .command(Button::Publish, &zone())
    .expect("well formed");
    let refused = app
        .newsroom
        .create_item(&actor, &command)
        .await
        .expect_err("no such section");
    let EditError::Invalid(errors) = refused else {
        panic!("{refused:?}");
    };
    assert_eq!(
        errors.for_field(Field::Section),
        Some("choose a section of this edition")
    );
    assert!(errors.for_field(Field::Related).is_some(), "{errors}");
    assert_eq!(contents(&app.store).await, before);

    // A reporter may not add an author: refused next to the field, nothing added.
    let command = ItemForm {
        authors: "Someone New".into(),
        ..form("A reporter's draft")
    }
    .command(Button::Save, &zone())
    .expect("well formed");
    let refused = app.newsroom.create_item(&reporter, &command).await;
    assert!(
        matches!(&refused, Err(EditError::Invalid(e))
            if e.get("authors") == Some("there is no author 'Someone New'; an editor can add one")),
        "{refused:?}"
    );
    assert_eq!(contents(&app.store).await, before);
}

#[tokio::test]
async fn authors_and_tags_named_twice_in_one_request_are_merged() {
    let app = TestApp::spawn().await;
    let editor = app.signed_in("editor", Role::Editor).await;
    let mut fields = article_fields("Named twice", "publish");
    fields.retain(|(k, _)| !matches!(*k, "authors" | "tags" | "new_authors"));
    fields.extend([
        (
            "authors",
            "Ayla Karimova, Rauf Aliyev, ayla karimova, AYLA  KARIMOVA, Rauf Aliyev",
        ),
        ("new_authors", "Ayla Karimova, Rauf Aliyev"),
        ("tags", "Energy, Oil, energy, ENERGY, Oil"),
    ]);
    let id = create(&editor, &fields).await;
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(item.authors.len(), 2);
    assert_eq!(item.tags.len(), 2);
    let names: Vec<String> = app
        .store
        .authors()
        .await
        .expect("authors")
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Ayla Karimova", "Rauf Aliyev"]);
    app.settle().await;
    let page = app.get(&app.item_path(id).await).await;
    assert_eq!(
        page.texts("article .byline"),
        ["Ayla Karimova, Rauf Aliyev//Test News"]
    );

    // Saving with the names in another order and spelling, repeated apart.
    let mut fields = article_fields("Named twice", "save");
    fields.retain(|(k, _)| !matches!(*k, "authors" | "tags" | "new_authors"));
    fields.extend([
        ("authors", "Rauf Aliyev, Ayla Karimova, rauf aliyev"),
        ("tags", "oil, Gas, OIL"),
    ]);
    let saved = save(&editor, id, &fields, "save").await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(item.authors.len(), 2);
    assert_eq!(item.tags.len(), 2, "the tags saved are the form's");

    // And from an importer.
    let filed = app
        .file(filings(vec![newsline::newsroom::Filing {
            tags: vec![
                "Energy".into(),
                "energy".into(),
                "Oil".into(),
                "ENERGY".into(),
            ],
            ..article(
                "Imported twice",
                "politics",
                "2025-05-21T10:00:00Z",
                &[
                    "Ayla Karimova",
                    "ayla karimova",
                    "Rauf Aliyev",
                    "Ayla Karimova",
                ],
            )
        }]))
        .await;
    let item = app
        .newsroom
        .item(filed[0].id())
        .await
        .expect("read")
        .expect("item");
    assert_eq!((item.authors.len(), item.tags.len()), (2, 2));
}

#[tokio::test]
async fn saving_in_the_editor_keeps_the_outlet_and_changes_authors_and_tags() {
    let app = TestApp::spawn().await;
    let filed = app
        .file(filings(vec![newsline::newsroom::Filing {
            outlet: Some("Wire Service".into()),
            tags: vec!["Energy".into()],
            ..article(
                "From the wire",
                "politics",
                "2025-05-21T10:00:00Z",
                &["Ayla Karimova"],
            )
        }]))
        .await;
    let id = filed[0].id();
    let editor = app.signed_in("editor", Role::Editor).await;
    let page = editor.get(&format!("/newsroom/items/{id}")).await;
    assert_eq!(input_value(&page, "outlet"), "Wire Service");
    let mut fields = article_fields("From the wire, edited", "save");
    fields.retain(|(k, _)| !matches!(*k, "authors" | "tags" | "new_authors"));
    fields.extend([
        ("authors", "Rauf Aliyev"),
        ("new_authors", "Rauf Aliyev"),
        ("tags", "Oil"),
        ("outlet", "Wire Service"),
    ]);
    assert_eq!(
        save(&editor, id, &fields, "save").await.status,
        StatusCode::SEE_OTHER
    );
    app.settle().await;
    let public = app.get(&app.item_path(id).await).await;
    assert_eq!(
        public.texts("article .byline"),
        ["Rauf Aliyev//Wire Service"]
    );
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    let oil = app
        .store
        .tags()
        .await
        .expect("tags")
        .into_iter()
        .find(|t| t.name == "Oil")
        .expect("the new tag");
    assert_eq!(item.tags, [oil.id]);
}

/// Every item's revisions and audit entries name `actor`, a part of the system.
async fn assert_written_by(store: &Store, ids: &[ItemId], actor: &str) {
    assert!(!ids.is_empty());
    let audit = store.primary().audit_entries(10_000).await.expect("audit");
    for id in ids {
        let revisions = store.primary().revisions(*id).await.expect("revisions");
        assert!(!revisions.is_empty(), "item {id} has a revision");
        for r in &revisions {
            assert_eq!(r.system.as_deref(), Some(actor), "item {id}");
            assert_eq!(r.saved_by, None, "no account saved item {id}");
        }
        let subject = format!("item:{id}");
        let actions: Vec<&str> = audit
            .iter()
            .filter(|e| e.subject == subject)
            .inspect(|e| {
                assert_eq!(e.system.as_deref(), Some(actor), "{e:?}");
                assert_eq!(e.user, None, "{e:?}");
            })
            .map(|e| e.action.as_str())
            .collect();
        assert!(actions.contains(&"created"), "item {id}: {actions:?}");
        assert!(
            actions.contains(&"published") || actions.contains(&"scheduled"),
            "item {id}: {actions:?}"
        );
    }
}

const COPY: &str = "Ministers meet in Baku\n\nForeign Policy 16:29 21.05.2025\n\nThe first paragraph.\n\nAyla Karimova//Wire Service\n\nAn older related story\n\nNews line\n\nA later brief\n17:42 21.05.2025\n";

#[tokio::test]
async fn imported_items_have_revisions_and_audit_entries_naming_the_importer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("copy.txt");
    std::fs::write(&file, COPY).expect("write");
    let db = Database::fresh();
    let out = newsline(&db, &["import", "text", file.to_str().expect("path")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(&db.url).await.expect("store");
    let items = store.published_items().await.expect("items");
    assert_eq!(items.len(), 3);
    let ids: Vec<ItemId> = items.iter().map(|i| i.id).collect();
    assert_written_by(&store, &ids, newsline::import::text::ACTOR).await;
    // The copy names sections as readers see them; revisions keep their slugs, which
    // the editor's form chooses among.
    let revision = store
        .revisions(
            items
                .iter()
                .find(|i| i.kind == newsline::domain::ItemKind::Article)
                .expect("the article")
                .id,
        )
        .await
        .expect("revisions");
    let snapshot: newsline::newsroom::Snapshot =
        serde_json::from_str(&revision[0].snapshot).expect("a snapshot");
    assert_eq!(snapshot.form.section, "foreign-policy");
    assert_eq!(snapshot.form.outlet, "Wire Service");
    let audit = store.audit_entries(100).await.expect("audit");
    // The edition is the site config's; what the copy brought is the importer's.
    for (action, subject, by) in [
        ("edition added", "edition:en", "config"),
        ("section added", "section:en:foreign-policy", "import"),
        ("author added", "author:ayla-karimova", "import"),
    ] {
        assert!(
            audit.iter().any(|e| e.action == action
                && e.subject == subject
                && e.system.as_deref() == Some(by)),
            "{action} {subject}: {audit:?}"
        );
    }
    store.close().await;

    // An admin reads who it was in the audit log and the history.
    let app = TestApp::spawn_on(db).await;
    let admin = app.signed_in("admin", Role::Admin).await;
    let rows = admin.get("/newsroom/audit").await.texts("tbody tr");
    assert!(
        rows.iter()
            .any(|r| r.contains("import (system)") && r.contains("published")),
        "{rows:?}"
    );
    let history = admin
        .get(&format!("/newsroom/items/{}/history", ids[0]))
        .await
        .texts("tbody tr");
    assert!(
        history.iter().all(|r| r.contains("import (system)")),
        "{history:?}"
    );
}

#[tokio::test]
async fn the_demo_site_has_revisions_and_audit_entries_naming_the_demo_loader() {
    let db = Database::fresh();
    let mut args = db.flags();
    args.extend(["serve", "--demo", "--address", "127.0.0.1:0"].map(String::from));
    let mut server = ServerProcess::start(&args).await;
    let home = reqwest::get(format!("{}/en/", server.address))
        .await
        .expect("answered");
    assert_eq!(home.status(), StatusCode::OK);
    server.kill();
    let store = Store::open(&db.url).await.expect("store");
    let items = store.published_items().await.expect("items");
    assert!(items.len() > 10, "{} demo items", items.len());
    let ids: Vec<ItemId> = items.iter().map(|i| i.id).collect();
    assert_written_by(&store, &ids, newsline::import::demo::ACTOR).await;
    store.close().await;
}

#[tokio::test]
async fn the_scheduler_is_named_in_the_audit_log() {
    let app = TestApp::spawn().await;
    let actor = app.actor("desk", Role::Editor).await;
    let at = (app.now() + jiff::SignedDuration::from_mins(30))
        .to_zoned_datetime(zone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string();
    let command = ItemForm {
        publish_at: at,
        ..form("Goes out later")
    }
    .command(Button::Schedule, &zone())
    .expect("valid");
    let id = app
        .newsroom
        .create_item(&actor, &command)
        .await
        .expect("scheduled");
    app.advance(jiff::SignedDuration::from_hours(1)).await;
    let item = app.newsroom.item(id).await.expect("read").expect("item");
    assert_eq!(item.status, Status::Published);
    let audit = app.store.audit_entries(100).await.expect("audit");
    let entry = audit
        .iter()
        .find(|e| e.action == "published on schedule")
        .expect("an entry");
    assert_eq!(
        (
            entry.subject.as_str(),
            entry.system.as_deref(),
            entry.detail.as_str()
        ),
        (
            format!("item:{id}").as_str(),
            Some("scheduler"),
            "Goes out later"
        )
    );
}

#[tokio::test]
async fn a_batch_refused_at_any_item_stores_nothing_of_it() {
    let app = TestApp::spawn().await;
    let before = contents(&app.store).await;
    let importer = importer();
    // Checked before the first write: an article without an author.
    let batch = filings(vec![
        brief("Fine", "politics", "2025-05-21T10:00:00Z"),
        article("No byline", "politics", "2025-05-21T11:00:00Z", &[]),
    ]);
    let refused = app.newsroom.file_batch(&importer, &batch).await;
    let Err(NewsroomError::Refused {
        position, errors, ..
    }) = refused
    else {
        panic!("{refused:?}");
    };
    assert_eq!(position, 2);
    assert!(errors.for_field(Field::Authors).is_some(), "{errors}");
    assert_eq!(contents(&app.store).await, before);

    // Refused only once the store is asked, after earlier items were written in the
    // same transaction: a section whose name gives a slug the site keeps for itself.
    let mut batch = filings(vec![
        article(
            "Written, then undone",
            "politics",
            "2025-05-21T10:00:00Z",
            &["New Writer"],
        ),
        newsline::newsroom::Filing {
            section: SectionRef::Named("News".into()),
            ..brief(
                "Into a reserved section",
                "politics",
                "2025-05-21T11:00:00Z",
            )
        },
    ]);
    batch.filings[0].tags = vec!["New tag".into()];
    let refused = app.newsroom.file_batch(&importer, &batch).await;
    assert!(
        matches!(&refused, Err(NewsroomError::Refused { position: 2, errors, .. })
            if errors.for_field(Field::Section).is_some()),
        "{refused:?}"
    );
    assert_eq!(contents(&app.store).await, before);

    // An account may not file a batch that adds an edition.
    let editor = app.actor("desk", Role::Editor).await;
    let before = contents(&app.store).await;
    let refused = app
        .newsroom
        .file_batch(
            &editor,
            &newsline::newsroom::Batch {
                editions: vec![edition("az", "Xəbərlər")],
                ..Default::default()
            },
        )
        .await;
    assert!(
        matches!(refused, Err(NewsroomError::Forbidden)),
        "{refused:?}"
    );
    assert_eq!(contents(&app.store).await, before);
}

#[tokio::test]
async fn import_text_refusing_copy_the_newsroom_refuses_changes_nothing() {
    let db = Database::fresh();
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.txt");
    std::fs::write(&good, COPY).expect("write");
    let out = newsline(&db, &["import", "text", good.to_str().expect("path")]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let store = Store::open(&db.url).await.expect("store");
    let before = contents(&store).await;

    // In the right shape, but against the newsroom's rules: an author's name too long
    // for a byline, and a section named like one of the site's own pages.
    let long_author = COPY
        .replace("Ministers meet in Baku", "Another meeting")
        .replace("Ayla Karimova", &"A".repeat(130));
    let reserved = COPY
        .replace("Ministers meet in Baku", "A third meeting")
        .replace("Foreign Policy 16:29", "News 16:29");
    for (name, copy, expected) in [
        ("long.txt", long_author, "authors:"),
        ("reserved.txt", reserved, "section:"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, copy).expect("write");
        let out = newsline(&db, &["import", "text", file.to_str().expect("path")]).await;
        assert!(!out.status.success(), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("nothing was imported"), "{stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(contents(&store).await, before, "{name} changed nothing");
    }
    store.close().await;
}

#[tokio::test]
async fn the_system_role_is_no_accounts_and_may_not_read_the_audit_log() {
    let app = TestApp::spawn().await;
    let system = Actor::system("import");
    assert!(matches!(
        app.newsroom.audit(&system, 10).await,
        Err(NewsroomError::Forbidden)
    ));
    assert!(matches!(
        app.newsroom.two_factor_status(&system).await,
        Err(NewsroomError::Forbidden)
    ));
    let out = newsline(&app.db, &["user", "add", "robot", "--role", "system"]).await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a role"));
    // What a draft input left empty says: the API starts from the same shape.
    let errors = newsline::newsroom::Draft::parse(DraftInput::default()).expect_err("empty");
    assert!(errors.for_field(Field::Headline).is_some());
}
