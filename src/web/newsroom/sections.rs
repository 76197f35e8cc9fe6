//! Managing editions and sections.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::Editor;
use crate::domain::{Action, Scope, may};
use crate::newsroom::NewsroomError;
use crate::web::AppState;
use crate::web::error::PageError;
use crate::web::respond;
use crate::web::views::NewsroomChrome;

#[derive(Template)]
#[template(path = "newsroom/sections.html")]
struct SectionsPage {
    chrome: NewsroomChrome,
    sections: Vec<SectionRow>,
    editions: Vec<EditionRow>,
    can_add_section: bool,
    can_add_edition: bool,
    error: Option<String>,
    /// What was typed into the form for a new section, shown again after a refusal.
    new_section: (String, String, String),
    /// What was typed into the form for a new edition: code, name, outlet.
    new_edition: (String, String, String),
}

/// A section as the list shows it.
struct SectionRow {
    edition: String,
    name: String,
    slug: String,
    hidden: bool,
    /// The row form's values: the stored ones, or what was typed when it was refused.
    typed_name: String,
    typed_slug: String,
    /// Why this row's form was refused.
    error: Option<String>,
}

/// An edition as the list shows it.
struct EditionRow {
    code: String,
    name: String,
    outlet: String,
    launched: bool,
    /// The row form's values: the stored ones, or what was typed when it was refused.
    typed_name: String,
    typed_outlet: String,
    /// Why this row's form was refused.
    error: Option<String>,
}

/// Which form was refused, with what was typed in it, so the page shows it again.
enum Typed {
    Nothing,
    NewSection(SectionForm),
    NewEdition(EditionForm),
    /// A section's row: its edition and address, then the name and address typed.
    Section {
        edition: String,
        slug: String,
        name: String,
        new_slug: String,
    },
    /// An edition's row: its code, then the name and outlet typed.
    Edition(String, EditionNames),
}

async fn render(
    state: &AppState,
    editor: &Editor,
    error: Option<String>,
    typed: Typed,
) -> Result<Response, PageError> {
    let failed = error.is_some();
    let (mut new_section, mut new_edition) = Default::default();
    let mut row_error = None;
    let (mut section_row, mut edition_row) = (None, None);
    match typed {
        Typed::Nothing => {}
        Typed::NewSection(f) => new_section = (f.edition, f.name, f.slug),
        Typed::NewEdition(f) => new_edition = (f.code, f.name, f.outlet),
        Typed::Section {
            edition,
            slug,
            name,
            new_slug,
        } => {
            row_error = error.clone();
            section_row = Some((edition, slug, name, new_slug));
        }
        Typed::Edition(code, names) => {
            row_error = error.clone();
            edition_row = Some((code, names));
        }
    }
    let mut response = respond::private_html(&SectionsPage {
        chrome: NewsroomChrome::new(editor.words().editions_and_sections, editor),
        sections: state
            .newsroom
            .sections()
            .await?
            .into_iter()
            .map(|s| {
                let edition = s.edition.to_string();
                let slug = s.slug.to_string();
                let refused = section_row
                    .as_ref()
                    .filter(|(e, sl, _, _)| *e == edition && *sl == slug);
                SectionRow {
                    typed_name: refused.map_or_else(|| s.name.clone(), |r| r.2.clone()),
                    typed_slug: refused.map_or_else(|| slug.clone(), |r| r.3.clone()),
                    error: refused.and(row_error.clone()),
                    edition,
                    name: s.name,
                    slug,
                    hidden: s.hidden,
                }
            })
            .collect(),
        editions: state
            .newsroom
            .editions()
            .await?
            .into_iter()
            .map(|e| {
                let code = e.code.to_string();
                let refused = edition_row.as_ref().filter(|(c, _)| *c == code);
                EditionRow {
                    typed_name: refused.map_or_else(|| e.name.clone(), |r| r.1.name.clone()),
                    typed_outlet: refused.map_or_else(|| e.outlet.clone(), |r| r.1.outlet.clone()),
                    error: refused.and(row_error.clone()),
                    code,
                    name: e.name,
                    outlet: e.outlet,
                    launched: e.launched,
                }
            })
            .collect(),
        can_add_section: may(editor.actor().role, Action::ManageTaxonomy, Scope::Newsroom),
        can_add_edition: may(editor.actor().role, Action::ManageEditions, Scope::Newsroom),
        error,
        new_section,
        new_edition,
    })?;
    if failed {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// Every edition and section, with forms to add more.
pub async fn show_sections(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, PageError> {
    render(&state, &editor, None, Typed::Nothing).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SectionForm {
    csrf: String,
    edition: String,
    slug: String,
    name: String,
}

fn outcome(
    editor: &Editor,
    result: Result<(), NewsroomError>,
) -> Result<Option<String>, PageError> {
    match result {
        Ok(()) => Ok(None),
        Err(NewsroomError::Forbidden) => Err(PageError::Forbidden(
            super::words::Refusal::RoleForbids.into(),
        )),
        Err(NewsroomError::Store(e)) => Err(NewsroomError::Store(e).into()),
        Err(other) => Ok(Some(editor.words().refusal(&other))),
    }
}

/// Adds a section.
pub async fn add_section(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<SectionForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let result = state
        .newsroom
        .add_section(editor.actor(), &form.edition, &form.slug, &form.name)
        .await;
    match outcome(&editor, result)? {
        None => Ok(Redirect::to("/newsroom/sections").into_response()),
        Some(error) => render(&state, &editor, Some(error), Typed::NewSection(form)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EditionForm {
    csrf: String,
    code: String,
    name: String,
    outlet: String,
}

/// Adds an edition.
pub async fn add_edition(
    State(state): State<AppState>,
    editor: Editor,
    Form(form): Form<EditionForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let result = state
        .newsroom
        .add_edition(editor.actor(), &form.code, &form.name, &form.outlet)
        .await;
    match outcome(&editor, result)? {
        None => Ok(Redirect::to("/newsroom/sections").into_response()),
        Some(error) => render(&state, &editor, Some(error), Typed::NewEdition(form)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct EditionNames {
    csrf: String,
    name: String,
    outlet: String,
}

/// Gives an edition a new site name and outlet; admins only.
pub async fn rename_edition(
    State(state): State<AppState>,
    editor: Editor,
    axum::extract::Path(code): axum::extract::Path<String>,
    Form(form): Form<EditionNames>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let result = state
        .newsroom
        .rename_edition(editor.actor(), &code, &form.name, &form.outlet)
        .await;
    if let Err(NewsroomError::UnknownEdition(_)) = &result {
        return Err(PageError::NotFound);
    }
    match outcome(&editor, result)? {
        None => Ok(Redirect::to("/newsroom/sections").into_response()),
        Some(error) => render(&state, &editor, Some(error), Typed::Edition(code, form)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct LaunchForm {
    csrf: String,
}

/// Launches a draft edition.
pub async fn launch_edition(
    State(state): State<AppState>,
    editor: Editor,
    axum::extract::Path(code): axum::extract::Path<String>,
    Form(form): Form<LaunchForm>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let result = state.newsroom.launch_edition(editor.actor(), &code).await;
    if let Err(NewsroomError::UnknownEdition(_)) = &result {
        return Err(PageError::NotFound);
    }
    match outcome(&editor, result)? {
        None => Ok(Redirect::to("/newsroom/sections").into_response()),
        Some(error) => render(&state, &editor, Some(error), Typed::Nothing).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SectionChange {
    csrf: String,
    /// For a new name and address.
    slug: String,
    name: String,
    /// For hiding (`1`) or showing (`0`).
    hidden: String,
    /// For a move: `earlier` or `later`.
    to: String,
}

/// What a change to a section asks for, from the path's last segment and the form.
#[derive(Clone, Copy)]
enum Asked {
    Edit,
    Hide(bool),
    Move(bool),
}

/// Renames, re-addresses, hides, shows or moves a section.
pub async fn change_section(
    State(state): State<AppState>,
    editor: Editor,
    axum::extract::Path((edition, slug, what)): axum::extract::Path<(String, String, String)>,
    Form(form): Form<SectionChange>,
) -> Result<Response, PageError> {
    editor.check_csrf(&form.csrf)?;
    let bad = |why: &str| PageError::BadRequest(why.to_owned().into());
    let asked = match (what.as_str(), form.hidden.as_str(), form.to.as_str()) {
        ("edit", _, _) => Asked::Edit,
        ("hidden", "1", _) => Asked::Hide(true),
        ("hidden", "0", _) => Asked::Hide(false),
        ("move", _, "earlier") => Asked::Move(true),
        ("move", _, "later") => Asked::Move(false),
        ("hidden", _, _) => return Err(bad("hidden must be 0 or 1")),
        ("move", _, _) => return Err(bad("to must be earlier or later")),
        _ => return Err(PageError::NotFound),
    };
    let newsroom = &state.newsroom;
    let actor = editor.actor();
    let result = match asked {
        Asked::Edit => {
            newsroom
                .edit_section(actor, &edition, &slug, &form.slug, &form.name)
                .await
        }
        Asked::Hide(hidden) => {
            newsroom
                .set_section_hidden(actor, &edition, &slug, hidden)
                .await
        }
        Asked::Move(earlier) => newsroom.move_section(actor, &edition, &slug, earlier).await,
    };
    if let Err(NewsroomError::Invalid(crate::domain::DomainError::UnknownSection { .. })) = &result
    {
        return Err(PageError::NotFound);
    }
    // Only the name-and-address form has text to show again; the buttons have none.
    let typed = match asked {
        Asked::Edit => Typed::Section {
            edition,
            slug,
            name: form.name,
            new_slug: form.slug,
        },
        Asked::Hide(_) | Asked::Move(_) => Typed::Nothing,
    };
    match outcome(&editor, result)? {
        None => Ok(Redirect::to("/newsroom/sections").into_response()),
        Some(error) => render(&state, &editor, Some(error), typed).await,
    }
}
