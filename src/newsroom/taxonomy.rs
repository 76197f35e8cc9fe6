//! Editions and sections, managed from the newsroom and added by importers.

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{
    Action, Edition, EditionCode, PersonName, Scope, Section, SectionId, Slug, may,
};
use crate::store::{Entity, StoreResult, Writer};

impl Newsroom {
    /// Adds an edition; admins only.
    pub async fn add_edition(
        &self,
        actor: &Actor,
        code: &str,
        name: &str,
        outlet: &str,
    ) -> Result<(), NewsroomError> {
        if !may(actor.role, Action::ManageEditions, Scope::Newsroom) {
            return Err(NewsroomError::Forbidden);
        }
        let code = EditionCode::parse(code.trim())?;
        let name = PersonName::parse(name)?;
        let outlet = PersonName::parse(outlet)?;
        let mut w = self.store.begin(self.clock.now()).await?;
        if w.edition(&code).await?.is_some() {
            return Err(NewsroomError::Taken(code.to_string()));
        }
        insert_edition(&mut w, actor, &code, &name, &outlet).await?;
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
            return Err(NewsroomError::Taken(slug.to_string()));
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
    let name = PersonName::parse(&edition.name)?;
    let outlet = PersonName::parse(&edition.outlet)?;
    insert_edition(w, actor, &edition.code, &name, &outlet).await?;
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

async fn insert_edition(
    w: &mut Writer,
    actor: &Actor,
    code: &EditionCode,
    name: &PersonName,
    outlet: &PersonName,
) -> StoreResult<()> {
    w.insert_edition(&Edition {
        code: code.clone(),
        name: name.as_ref().to_owned(),
        outlet: outlet.as_ref().to_owned(),
    })
    .await?;
    let subject = format!("edition:{code}");
    w.append_change(Entity::Taxonomy, &subject, "created")
        .await?;
    w.audit_by(actor.by(), "edition added", &subject, name.as_ref())
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
