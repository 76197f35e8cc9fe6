//! Editions and sections, managed from the newsroom.

use super::{Actor, Newsroom, NewsroomError};
use crate::domain::{Action, EditionCode, PersonName, Scope, Section, may};
use crate::store::Entity;

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
        w.insert_edition(&crate::domain::Edition {
            code: code.clone(),
            name: name.as_ref().to_owned(),
            outlet: outlet.as_ref().to_owned(),
        })
        .await?;
        w.append_change(Entity::Taxonomy, &format!("edition:{code}"), "created")
            .await?;
        w.audit(
            Some(actor.id),
            "edition added",
            &format!("edition:{code}"),
            name.as_ref(),
        )
        .await?;
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
        w.insert_section(&code, slug.as_ref(), name.as_ref())
            .await?;
        w.append_change(
            Entity::Taxonomy,
            &format!("section:{code}:{slug}"),
            "created",
        )
        .await?;
        w.audit(
            Some(actor.id),
            "section added",
            &format!("section:{code}:{slug}"),
            name.as_ref(),
        )
        .await?;
        w.commit().await?;
        self.after_commit();
        Ok(())
    }
}
