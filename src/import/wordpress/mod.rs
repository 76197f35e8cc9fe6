//! `import wordpress`: a WordPress export (WXR) read twice, streaming. The first pass
//! reads the whole file and refuses it, with the line and column, before anything is
//! stored; the second files each post through the newsroom, all in one transaction,
//! so that an import is stored whole or not at all.

pub mod content;
pub mod images;
pub mod mapping;
pub mod shortcodes;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use jiff::tz::TimeZone;

use super::wxr::{Entry, Export, Position, WxrError, locate};
use crate::domain::EditionCode;
use crate::newsroom::{Actor, ImportError, Newsroom, NewsroomError, Outcome};
use mapping::Plan;

/// The part of the system imports file as, named in revisions and the audit log.
pub const ACTOR: &str = "import";

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct Options {
    /// The edition posts go to; it must exist.
    pub edition: EditionCode,
    /// Import pages too.
    pub pages: bool,
    /// Report what would happen, and store nothing.
    pub dry_run: bool,
    /// The site's zone, for posts dated only in local time.
    pub zone: TimeZone,
    /// Where featured and content images come from.
    pub images: images::Sources,
}

/// Why an import stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum WordPressError {
    /// The file is no export this reads; where and why.
    #[error("{at}: {error}")]
    Refused {
        /// Where reading failed.
        at: Position,
        /// What is wrong.
        error: WxrError,
    },
    /// The file could not be opened or read.
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    /// The edition named does not exist.
    #[error("there is no edition '{0}' on this site; add it in the newsroom first")]
    UnknownEdition(String),
    /// The newsroom failed.
    #[error(transparent)]
    Newsroom(#[from] NewsroomError),
    /// An item could not be written, and the import could not go on.
    #[error("post {post_id}: {message}")]
    Stopped {
        /// The post's id in the export.
        post_id: String,
        /// What happened.
        message: String,
    },
}

/// One item of the export left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skip {
    /// Its `wp:post_id`.
    pub post_id: String,
    /// Its title.
    pub title: String,
    /// Why it was left out.
    pub reason: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Items stored for the first time.
    pub imported: usize,
    /// Items imported before and changed since.
    pub updated: usize,
    /// Items imported before and the same.
    pub unchanged: usize,
    /// Posts and pages left out, each with its reason.
    pub skipped: Vec<Skip>,
    /// Items of other types (attachments, menu items ...) left out, by type.
    pub skipped_types: BTreeMap<String, usize>,
    /// Items imported as drafts that the export had kept from readers: title and why.
    pub held_back: Vec<(String, &'static str)>,
    /// Old addresses that now redirect.
    pub redirects: usize,
    /// Whether nothing was stored.
    pub dry_run: bool,
    /// What became of the images.
    pub images: images::ImageReport,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let other: usize = self.skipped_types.values().sum();
        writeln!(
            f,
            "{}{} imported, {} updated, {} unchanged, {} skipped; {} old addresses redirect",
            if self.dry_run {
                "dry run, nothing stored: "
            } else {
                ""
            },
            self.imported,
            self.updated,
            self.unchanged,
            self.skipped.len() + other,
            self.redirects,
        )?;
        self.images.write(f)?;
        for (title, note) in &self.held_back {
            writeln!(f, "  held back \"{title}\": {note}")?;
        }
        for skip in &self.skipped {
            writeln!(
                f,
                "  skipped post {} \"{}\": {}",
                skip.post_id, skip.title, skip.reason
            )?;
        }
        for (kind, count) in &self.skipped_types {
            writeln!(f, "  skipped {count} of type {kind}")?;
        }
        Ok(())
    }
}

fn open(path: &Path) -> std::io::Result<BufReader<File>> {
    Ok(BufReader::with_capacity(256 * 1024, File::open(path)?))
}

fn refused(path: &Path, error: WxrError) -> WordPressError {
    match open(path).and_then(|source| locate(source, error.offset)) {
        Ok(at) => WordPressError::Refused { at, error },
        Err(e) => WordPressError::Io(e),
    }
}

/// An export read whole and found readable: what [`import`] takes, so that no import
/// starts on a file that was not checked.
#[derive(Debug, Clone)]
pub struct Checked {
    path: std::path::PathBuf,
    items: u64,
    images: images::Index,
}

impl Checked {
    /// How many `<item>`s the export has, of every type.
    pub fn items(&self) -> u64 {
        self.items
    }
}

/// Reads the whole export without storing anything: how many items it has, or why
/// and where it is refused.
pub fn check(path: &Path) -> Result<Checked, WordPressError> {
    let mut export = Export::new(open(path)?);
    let mut items = 0;
    let mut images = images::Index::default();
    loop {
        match export.next_entry() {
            Ok(Some(Entry::Item(item))) => {
                items += 1;
                images.note(&item, export.site());
            }
            Ok(Some(_)) => {}
            Ok(None) => {
                return Ok(Checked {
                    path: path.to_owned(),
                    items,
                    images,
                });
            }
            Err(error) => return Err(refused(path, error)),
        }
    }
}

/// Imports a checked export as the system actor `import`, calling `progress` after
/// each item. A dry run stores nothing.
pub async fn import(
    newsroom: &Newsroom,
    checked: &Checked,
    options: &Options,
    mut progress: impl FnMut(),
) -> Result<Report, WordPressError> {
    let path = checked.path.as_path();
    // Images are fetched before the transaction begins: a slow site never holds it.
    let mut images = images::stage(newsroom, &checked.images, options).await?;
    let mut run = newsroom.begin_import(Actor::system(ACTOR)).await?;
    if !run.has_edition(&options.edition).await? {
        return Err(WordPressError::UnknownEdition(options.edition.to_string()));
    }
    let edition = options.edition.to_string();
    let mut report = Report {
        dry_run: options.dry_run,
        ..Report::default()
    };
    let mut authors: mapping::Authors = HashMap::new();
    let mut seen: HashSet<String> = HashSet::new();
    let mut export = Export::new(open(path)?);
    loop {
        let entry = match export.next_entry() {
            Ok(Some(entry)) => entry,
            Ok(None) => break,
            // The first pass read it whole; it changed on disk since.
            Err(error) => return Err(refused(path, error)),
        };
        let item = match entry {
            Entry::Author(a) => {
                authors.insert(a.login, a.display_name);
                continue;
            }
            Entry::Term(_) => continue,
            Entry::Item(item) => item,
        };
        progress();
        let skip = |reason: String| Skip {
            post_id: item.post_id.clone(),
            title: item.title.clone(),
            reason,
        };
        match item.post_type.as_str() {
            "post" => {}
            "page" if options.pages => {}
            other => {
                *report.skipped_types.entry(other.to_owned()).or_default() += 1;
                continue;
            }
        }
        let time = mapping::post_time(&item, &options.zone).unwrap_or_else(|| newsroom.now());
        let (standing, note) = match mapping::plan(&item, time) {
            Plan::Import { standing, note } => (standing, note),
            Plan::Skip(reason) => {
                report.skipped.push(skip(reason));
                continue;
            }
        };
        let key = mapping::source_key(export.site(), &item.post_id);
        if !seen.insert(key) {
            report
                .skipped
                .push(skip("its post id appears earlier in the file".into()));
            continue;
        }
        let mut filing = mapping::filing(&item, export.site(), &authors, &edition, time);
        images
            .apply(&mut run, &item, &mut filing, &mut report.images)
            .await?;
        let outcome = match run.file(&filing, standing, note).await {
            Ok(outcome) => outcome,
            Err(ImportError::Refused(errors)) => {
                report.skipped.push(skip(format!("refused: {errors}")));
                continue;
            }
            Err(ImportError::Failed(e)) => return Err(e.into()),
            Err(ImportError::Stopped(message)) => {
                return Err(WordPressError::Stopped {
                    post_id: item.post_id.clone(),
                    message,
                });
            }
        };
        match outcome {
            Outcome::Imported(_) => report.imported += 1,
            Outcome::Updated(_) => report.updated += 1,
            Outcome::Unchanged(_) => report.unchanged += 1,
        }
        if let Some(note) = note {
            report.held_back.push((filing.headline.clone(), note));
        }
        for old in mapping::old_paths(&item) {
            run.redirect(&old, outcome.id()).await?;
            report.redirects += 1;
        }
    }
    if options.dry_run {
        run.abandon();
    } else {
        images.commit(run).await?;
    }
    Ok(report)
}
