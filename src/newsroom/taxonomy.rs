//! Editions and sections, managed from the newsroom and added by importers.

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{
    Action, Edition, EditionCode, PersonName, Scope, Section, SectionId, Slug, may,
};
use crate::store::{EVERYWHERE, Entity, StoreResult, Writer};

/// What applying the config's editions changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct EditionsApplied {
    /// Editions added.
    pub added: Vec<String>,
    /// Editions whose names, language, zone or place changed.
    pub changed: Vec<String>,
    /// Sections added or renamed, as `edition/slug`.
    pub sections: Vec<String>,
}

impl EditionsApplied {
    /// True when the store already matched the config.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.sections.is_empty()
    }
}

impl Newsroom {
    /// Makes the site's editions and their sections what the config declares, in one
    /// transaction, as `actor` (the system actor `config`): missing ones are added,
    /// changed ones updated, each with an audit entry. Editions the config leaves out
    /// stay as they are: removing one would orphan its items.
    pub async fn apply_editions(
        &self,
        actor: &Actor,
        specs: &[crate::config::EditionSpec],
    ) -> Result<EditionsApplied, NewsroomError> {
        if !may(actor.role, Action::ManageEditions, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let mut applied = EditionsApplied::default();
        if specs.is_empty() {
            return Ok(applied);
        }
        let mut w = self.store.begin(self.clock.now()).await?;
        let mut recorded = false;
        for (position, spec) in specs.iter().enumerate() {
            let wanted = &spec.edition;
            let code = &wanted.code;
            let subject = format!("edition:{code}");
            // An entry applied before and unchanged since leaves the edition as the
            // newsroom has made it (renamed, sections moved or renamed).
            let fingerprint = spec.fingerprint(position);
            if w.config_fingerprint(&subject).await?.as_deref() == Some(fingerprint.as_str()) {
                continue;
            }
            w.set_config_fingerprint(&subject, &fingerprint).await?;
            recorded = true;
            match w.edition(code).await? {
                None => {
                    w.insert_edition(wanted).await?;
                    w.update_edition(wanted, position as i64).await?;
                    w.append_change(Entity::Taxonomy, &subject, "created")
                        .await?;
                    w.audit_by(actor.by(), "edition added", &subject, &wanted.name)
                        .await?;
                    applied.added.push(code.to_string());
                }
                Some(stored) => {
                    let order = w.edition_position(code).await?;
                    if stored != *wanted || order != Some(position as i64) {
                        w.update_edition(wanted, position as i64).await?;
                        w.append_change(Entity::Taxonomy, &subject, "changed")
                            .await?;
                        w.audit_by(actor.by(), "edition changed", &subject, &wanted.name)
                            .await?;
                        applied.changed.push(code.to_string());
                    }
                }
            }
            for (slug, name) in &spec.sections {
                match w.section(code, slug.as_ref()).await? {
                    // The newsroom moved it to another address: it is not missing.
                    None if w.section_moved_from(code, slug.as_ref()).await? => {}
                    None => {
                        let name = PersonName::parse(name)?;
                        insert_section(&mut w, actor, code, slug, &name).await?;
                        applied.sections.push(format!("{code}/{slug}"));
                    }
                    Some(section) if section.name != *name => {
                        let subject = format!("section:{code}:{slug}");
                        w.rename_section(section.id, name).await?;
                        w.append_change(Entity::Taxonomy, &subject, "renamed")
                            .await?;
                        w.audit_by(actor.by(), "section renamed", &subject, name)
                            .await?;
                        applied.sections.push(format!("{code}/{slug}"));
                    }
                    Some(_) => {}
                }
            }
        }
        if !recorded {
            return Ok(applied);
        }
        w.commit().await?;
        if !applied.is_empty() {
            self.after_commit();
        }
        Ok(applied)
    }

    /// Adds an edition as a draft, unseen by readers until launched; admins only.
    pub async fn add_edition(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        outlet: &str,
    ) -> Result<(), NewsroomError> {
        let (code, name, outlet) = edition_names(actor, code, name, outlet)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if w.edition(&code).await?.is_some() {
            return Err(NewsroomError::EditionTaken(code.to_string()));
        }
        let mut edition = Edition::new(code, name.as_ref(), outlet.as_ref());
        edition.launched = false;
        insert_edition(&mut w, actor, &edition).await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Makes a draft edition public: its pages, feeds and sitemaps appear and every
    /// page's language switcher lists it. Admins only; launching a public edition
    /// changes nothing.
    pub async fn launch_edition(&self, actor: &Actor, code: &str) -> Result<(), NewsroomError> {
        if !may(actor.role, Action::ManageEditions, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let code = EditionCode::parse(code.trim())?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let Some(edition) = w.edition(&code).await? else {
            return Err(NewsroomError::UnknownEdition(code.to_string()));
        };
        if edition.launched {
            return Ok(());
        }
        w.launch_edition(&code).await?;
        let subject = format!("edition:{code}");
        w.append_change(Entity::Taxonomy, &subject, "launched")
            .await?;
        w.audit_by(actor.by(), "edition launched", &subject, &edition.name)
            .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Gives an edition a new site name and outlet (the name after bylines); admins
    /// only. Every page of the edition shows them: masthead, switcher, feeds.
    pub async fn rename_edition(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        outlet: &str,
    ) -> Result<(), NewsroomError> {
        let (code, name, outlet) = edition_names(actor, code, name, outlet)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let Some(mut edition) = w.edition(&code).await? else {
            return Err(NewsroomError::UnknownEdition(code.to_string()));
        };
        if edition.name == name.as_ref() && edition.outlet == outlet.as_ref() {
            return Ok(());
        }
        edition.name = name.as_ref().to_owned();
        edition.outlet = outlet.as_ref().to_owned();
        let position = w.edition_position(&code).await?.unwrap_or_default();
        w.update_edition(&edition, position).await?;
        let subject = format!("edition:{code}");
        w.append_change(Entity::Taxonomy, &subject, "renamed")
            .await?;
        w.audit_by(
            actor.by(),
            "edition renamed",
            &subject,
            &format!("{}//{}", edition.name, edition.outlet),
        )
        .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Gives a section a new name and address (slug); editors and admins. Its old
    /// address redirects to the new one, and its items' pages move with it.
    pub async fn edit_section(
        &self,
        actor: &Actor,
        edition: &str,
        slug: &str,
        new_slug: &str,
        new_name: &str,
    ) -> Result<(), NewsroomError> {
        may_manage_sections(actor)?;
        let new_slug = Section::check_slug(new_slug.trim())?;
        let name = PersonName::parse(new_name)?;
        let (mut w, code, section) = self.open_section(actor, edition, slug).await?;
        if section.slug == new_slug && section.name == name.as_ref() {
            return Ok(());
        }
        if section.slug != new_slug && w.section(&code, new_slug.as_ref()).await?.is_some() {
            return Err(NewsroomError::SectionTaken(new_slug.to_string()));
        }
        w.readdress_section(&section, new_slug.as_ref(), name.as_ref())
            .await?;
        let subject = subject_of(&section);
        let (change, said) = if section.slug == new_slug {
            (subject.clone(), name.as_ref().to_owned())
        } else {
            (
                format!("{subject}:{EVERYWHERE}"),
                format!("{} at /{code}/{new_slug}", name.as_ref()),
            )
        };
        w.append_change(Entity::Taxonomy, &change, "renamed")
            .await?;
        w.audit_by(actor.by(), "section renamed", &subject, &said)
            .await?;
        self.close_section(w).await
    }

    /// Hides a section from the masthead and the automatic home page, or shows it
    /// again; editors and admins.
    pub async fn set_section_hidden(
        &self,
        actor: &Actor,
        edition: &str,
        slug: &str,
        hidden: bool,
    ) -> Result<(), NewsroomError> {
        let (mut w, _, section) = self.open_section(actor, edition, slug).await?;
        if section.hidden == hidden {
            return Ok(());
        }
        w.set_section_hidden(section.id, hidden).await?;
        // The home page's automatic blocks list sections too.
        let subject = subject_of(&section);
        w.append_change(
            Entity::Taxonomy,
            &format!("{subject}:{EVERYWHERE}"),
            "shown",
        )
        .await?;
        let action = if hidden {
            "section hidden"
        } else {
            "section shown"
        };
        w.audit_by(actor.by(), action, &subject, &section.name)
            .await?;
        self.close_section(w).await
    }

    /// Moves a section one place earlier (`earlier`) or later in its edition's order;
    /// editors and admins. At either end it stays.
    pub async fn move_section(
        &self,
        actor: &Actor,
        edition: &str,
        slug: &str,
        earlier: bool,
    ) -> Result<(), NewsroomError> {
        let (mut w, code, section) = self.open_section(actor, edition, slug).await?;
        let mut order = w.section_order(&code).await?;
        let Some(at) = order.iter().position(|id| *id == section.id) else {
            return Ok(());
        };
        let to = if earlier {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|to| *to < order.len())
        };
        let Some(to) = to else { return Ok(()) };
        order.swap(at, to);
        w.set_section_order(&order).await?;
        let subject = subject_of(&section);
        w.append_change(
            Entity::Taxonomy,
            &format!("{subject}:{EVERYWHERE}"),
            "moved",
        )
        .await?;
        w.audit_by(actor.by(), "section moved", &subject, &section.name)
            .await?;
        self.close_section(w).await
    }

    /// A write transaction on the section at `slug` in `edition`, for `actor` who
    /// may manage sections: the start of every change to one section.
    async fn open_section(
        &self,
        actor: &Actor,
        edition: &str,
        slug: &str,
    ) -> Result<(Writer, EditionCode, Section), NewsroomError> {
        may_manage_sections(actor)?;
        let code = EditionCode::parse(edition.trim())?;
        let mut w = self.store.begin(self.clock.now()).await?;
        let section = existing_section(&mut w, &code, slug).await?;
        Ok((w, code, section))
    }

    /// Commits a change to a section and lets the read side know.
    async fn close_section(&self, w: Writer) -> Result<(), NewsroomError> {
        w.commit().await?;
        self.after_commit();
        Ok(())
    }

    /// Adds a section to an edition; editors and admins.
    pub async fn add_section(
        &self,
        actor: &Actor,
        edition: &str,
        slug: &str,
        name: &str,
    ) -> Result<(), NewsroomError> {
        if !may(actor.role, Action::ManageTaxonomy, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let code = EditionCode::parse(edition.trim())?;
        let slug = Section::check_slug(slug.trim())?;
        let name = PersonName::parse(name)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if w.edition(&code).await?.is_none() {
            return Err(NewsroomError::UnknownEdition(code.to_string()));
        }
        if w.section(&code, slug.as_ref()).await?.is_some() {
            return Err(NewsroomError::SectionTaken(slug.to_string()));
        }
        insert_section(&mut w, actor, &code, &slug, &name).await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }
}

/// Adds the edition if there is none of its code, when `actor` may add editions.
pub(super) async fn ensure_edition(
    w: &mut Writer,
    actor: &Actor,
    edition: &Edition,
) -> Result<(), NewsroomError> {
    if w.edition(&edition.code).await?.is_some() {
        return Ok(());
    }
    if !may(actor.role, Action::ManageEditions, Scope::Newsroom) {
        return Err(NewsroomError::Forbidden);
    }
    let mut checked = edition.clone();
    checked.name = PersonName::parse(&edition.name)?.as_ref().to_owned();
    checked.outlet = PersonName::parse(&edition.outlet)?.as_ref().to_owned();
    insert_edition(w, actor, &checked).await?;
    Ok(())
}

/// Adds the section if the edition has none of that slug, when `actor` may add
/// sections.
pub(super) async fn ensure_section(
    w: &mut Writer,
    actor: &Actor,
    edition: &str,
    slug: &str,
    name: &str,
) -> Result<(), NewsroomError> {
    let code = EditionCode::parse(edition)?;
    if w.edition(&code).await?.is_none() {
        return Err(NewsroomError::UnknownEdition(code.to_string()));
    }
    let slug = Section::check_slug(slug)?;
    let name = PersonName::parse(name)?;
    if w.section(&code, slug.as_ref()).await?.is_some() {
        return Ok(());
    }
    if !may(actor.role, Action::ManageTaxonomy, Scope::Newsroom) {
        return Err(NewsroomError::Forbidden);
    }
    insert_section(w, actor, &code, &slug, &name).await?;
    Ok(())
}

async fn insert_edition(w: &mut Writer, actor: &Actor, edition: &Edition) -> StoreResult<()> {
    w.insert_edition(edition).await?;
    let subject = format!("edition:{}", edition.code);
    w.append_change(Entity::Taxonomy, &subject, "created")
        .await?;
    w.audit_by(actor.by(), "edition added", &subject, &edition.name)
        .await
}

/// Adds a section the caller checked is missing and `actor` may add, with its
/// change-log and audit entries.
pub(super) async fn insert_section(
    w: &mut Writer,
    actor: &Actor,
    code: &EditionCode,
    slug: &Slug,
    name: &PersonName,
) -> StoreResult<SectionId> {
    let id = w.insert_section(code, slug.as_ref(), name.as_ref()).await?;
    let subject = format!("section:{code}:{slug}");
    w.append_change(Entity::Taxonomy, &subject, "created")
        .await?;
    w.audit_by(actor.by(), "section added", &subject, name.as_ref())
        .await?;
    Ok(id)
}

/// A section's subject in the change and audit logs.
fn subject_of(section: &Section) -> String {
    format!("section:{}:{}", section.edition, section.slug)
}

/// Refuses anyone whose role may not manage sections.
fn may_manage_sections(actor: &Actor) -> Result<(), NewsroomError> {
    if may(actor.role, Action::ManageTaxonomy, Scope::Newsroom) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// The section at `slug` in `code`, or why there is none.
async fn existing_section(
    w: &mut Writer,
    code: &EditionCode,
    slug: &str,
) -> Result<Section, NewsroomError> {
    w.section(code, slug.trim()).await?.ok_or_else(|| {
        NewsroomError::Invalid(crate::domain::DomainError::UnknownSection {
            edition: code.to_string(),
            section: slug.to_owned(),
        })
    })
}

/// An edition's code, site name and outlet as an admin typed them, checked; anyone
/// else is refused first.
fn edition_names(
    actor: &Actor,
    code: &str,
    name: &str,
    outlet: &str,
) -> Result<(EditionCode, PersonName, PersonName), NewsroomError> {
    if !may(actor.role, Action::ManageEditions, Scope::Newsroom) {
        return Err(NewsroomError::Forbidden);
    }
    Ok((
        EditionCode::parse(code.trim())?,
        PersonName::parse(name)?,
        PersonName::parse(outlet)?,
    ))
}
