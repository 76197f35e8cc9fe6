//! Backups of a single-machine site and restoring them: the SQLite database copied
//! online, then the media files and the site config, with a manifest of checksums
//! that restore verifies before it writes anything.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::store::Dialect;

/// The manifest's file name inside a backup folder.
pub const MANIFEST: &str = "manifest.json";
/// The database's file name, in a backup and in a data directory.
pub const DATABASE: &str = "newsline.db";
/// The site config's file name in a backup.
pub const CONFIG: &str = "newsline.toml";
/// The media folder's name, in a backup and in a data directory.
pub const MEDIA: &str = "media";
/// The manifest layout this build writes and reads.
pub const FORMAT: u32 = 1;

/// What a backup holds, written beside it as `manifest.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The manifest's layout.
    pub format: u32,
    /// When the backup was taken (RFC 3339, UTC).
    pub created_at: String,
    /// The Newsline version that took it.
    pub newsline_version: String,
    /// The newest migration applied to the copied database.
    pub schema_version: i64,
    /// The newest change-log entry in the copied database.
    pub last_seq: i64,
    /// Items in the copy, whatever their status.
    pub items: i64,
    /// Items published in the copy.
    pub published_items: i64,
    /// Where the media files are when they are not in the backup (an S3 bucket).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_elsewhere: Option<String>,
    /// Every file of the backup but the manifest, with its size and SHA-256.
    pub files: Vec<ManifestFile>,
}

/// One file of a backup.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ManifestFile {
    /// Path inside the backup, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the contents, lowercase hex.
    pub sha256: String,
}

/// Copies `from` to `to` (which must not exist), returning its size and SHA-256.
fn copy_hashed(from: &Path, to: &Path) -> anyhow::Result<(u64, String)> {
    let mut output =
        File::create_new(to).with_context(|| format!("cannot write {}", to.display()))?;
    let hashed = read_hashed(from, Some(&mut output))?;
    output
        .sync_all()
        .with_context(|| format!("cannot write {}", to.display()))?;
    Ok(hashed)
}

/// A file's size and SHA-256.
fn hash_file(path: &Path) -> anyhow::Result<(u64, String)> {
    read_hashed(path, None)
}

/// Reads `from` through SHA-256, writing what it reads to `copy` when given.
fn read_hashed(from: &Path, mut copy: Option<&mut File>) -> anyhow::Result<(u64, String)> {
    let mut input = File::open(from).with_context(|| format!("cannot read {}", from.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = input
            .read(&mut buffer)
            .with_context(|| format!("cannot read {}", from.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        if let Some(output) = copy.as_deref_mut() {
            output
                .write_all(&buffer[..n])
                .context("cannot write the copy")?;
        }
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `dir` holds anything; a missing folder holds nothing.
pub(crate) fn holds_anything(dir: &Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_some()),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", dir.display())),
    }
}

/// A scratch folder beside `target`, removed unless the work in it is moved into place.
pub(crate) fn scratch_beside(target: &Path, prefix: &str) -> anyhow::Result<tempfile::TempDir> {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        bail!("the folder {} does not exist", parent.display());
    }
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(&parent)
        .with_context(|| format!("cannot create a scratch folder in {}", parent.display()))
}

/// Moves the finished `scratch` folder to `target`, which is missing or empty.
pub(crate) fn move_into_place(scratch: tempfile::TempDir, target: &Path) -> anyhow::Result<()> {
    if target.exists() {
        std::fs::remove_dir(target)
            .with_context(|| format!("cannot replace the empty folder {}", target.display()))?;
    }
    let done = scratch.keep();
    std::fs::rename(&done, target).with_context(|| {
        // Left in place, so that the finished work is not lost.
        format!("cannot move {} to {}", done.display(), target.display())
    })
}

/// Writes a backup of the site into the new folder `dest`: the database (a
/// consistent copy taken while the server runs), then the media files, then the
/// site config, then the manifest. Nothing is left at `dest` if it fails.
pub async fn back_up(
    settings: &Settings,
    config_file: Option<&Path>,
    dest: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<Manifest> {
    let url = settings.database_url();
    if Dialect::of(&url) != Some(Dialect::Sqlite) {
        bail!(
            "`newsline backup` copies a site kept in SQLite; back up PostgreSQL with pg_dump \
             or a base backup and the media bucket with its own tools, as docs/DEPLOYMENT.md shows"
        );
    }
    if dest.is_file() || holds_anything(dest)? {
        bail!(
            "{} exists and is not empty; name a new or empty folder for the backup",
            dest.display()
        );
    }
    let scratch = scratch_beside(dest, ".newsline-backup-")?;
    let db = scratch.path().join(DATABASE);
    progress.set_message("copying the database");
    let contents = crate::store::back_up_sqlite(&url, &db)
        .await
        .context("cannot copy the database")?;
    let mut files = Vec::new();
    let (bytes, sha256) = hash_file(&db)?;
    files.push(ManifestFile {
        path: DATABASE.into(),
        bytes,
        sha256,
    });

    // After the database: every image the copy refers to was stored before its
    // record was committed, and stored images are never deleted, so all are there.
    let media_elsewhere = match &settings.media.s3_bucket {
        Some(bucket) => Some(format!("s3://{bucket}")),
        None => {
            let copied = copy_media(&settings.data_dir.join(MEDIA), scratch.path(), progress)?;
            let present: std::collections::HashSet<&str> = copied
                .iter()
                .filter_map(|f| f.path.strip_prefix(&format!("{MEDIA}/")))
                .collect();
            let missing: Vec<_> = contents
                .media_originals
                .iter()
                .filter(|name| !present.contains(name.as_str()))
                .collect();
            if let Some(first) = missing.first() {
                bail!(
                    "{} media files the database refers to are missing from {}, {first} among them",
                    missing.len(),
                    settings.data_dir.join(MEDIA).display()
                );
            }
            files.extend(copied);
            None
        }
    };
    if let Some(config) = config_file {
        let (bytes, sha256) = copy_hashed(config, &scratch.path().join(CONFIG))?;
        files.push(ManifestFile {
            path: CONFIG.into(),
            bytes,
            sha256,
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        created_at: jiff::Timestamp::now()
            .round(jiff::Unit::Second)?
            .to_string(),
        newsline_version: env!("CARGO_PKG_VERSION").into(),
        schema_version: contents.schema_version,
        last_seq: contents.last_seq,
        items: contents.items,
        published_items: contents.published_items,
        media_elsewhere,
        files,
    };
    let mut text = serde_json::to_string_pretty(&manifest)?;
    text.push('\n');
    let path = scratch.path().join(MANIFEST);
    let mut file = File::create_new(&path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    move_into_place(scratch, dest)?;
    Ok(manifest)
}

/// Copies every media file of `from` into `into/media`, with a bar over their bytes.
fn copy_media(
    from: &Path,
    into: &Path,
    progress: &ProgressBar,
) -> anyhow::Result<Vec<ManifestFile>> {
    let target = into.join(MEDIA);
    std::fs::create_dir(&target)?;
    let mut names = Vec::new();
    let mut total = 0;
    if from.is_dir() {
        for entry in
            std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?
        {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // Only stored images: the media store's half-written temporary files are not.
            if crate::media::safe_name_format(&name).is_some() && entry.file_type()?.is_file() {
                total += entry.metadata()?.len();
                names.push(name);
            }
        }
    }
    names.sort();
    progress.set_message("copying media files");
    progress.set_length(total);
    progress.set_position(0);
    let mut files = Vec::with_capacity(names.len());
    for name in names {
        let (bytes, sha256) = copy_hashed(&from.join(&name), &target.join(&name))?;
        progress.inc(bytes);
        files.push(ManifestFile {
            path: format!("{MEDIA}/{name}"),
            bytes,
            sha256,
        });
    }
    Ok(files)
}

/// Where a file named in a manifest goes in a data directory; `None` for a path a
/// backup never holds (which a damaged or forged manifest might name).
fn restored_path(path: &str) -> Option<PathBuf> {
    match path.split_once('/') {
        None if path == DATABASE || path == CONFIG => Some(PathBuf::from(path)),
        Some((MEDIA, name)) if crate::media::safe_name_format(name).is_some() => {
            Some(Path::new(MEDIA).join(name))
        }
        _ => None,
    }
}

/// Reads and checks the manifest of the backup in `src`, and every file it lists
/// against its size and checksum.
pub fn verify(src: &Path, progress: &ProgressBar) -> anyhow::Result<Manifest> {
    let path = src.join(MANIFEST);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} has no readable {MANIFEST}: it is not a Newsline backup",
            src.display()
        )
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a Newsline backup manifest", path.display()))?;
    if manifest.format != FORMAT {
        bail!(
            "the backup's manifest is of format {}, and this Newsline reads format {FORMAT}",
            manifest.format
        );
    }
    let known = crate::store::latest_schema_version();
    if manifest.schema_version > known {
        bail!(
            "the backup was taken by a newer Newsline (schema {}, this one knows up to {known}): \
             restore it with that version or a later one",
            manifest.schema_version
        );
    }
    if !manifest.files.iter().any(|f| f.path == DATABASE) {
        bail!("the backup's manifest lists no {DATABASE}");
    }
    let mut seen = std::collections::HashSet::new();
    for file in &manifest.files {
        if restored_path(&file.path).is_none() || !seen.insert(file.path.as_str()) {
            bail!(
                "the backup's manifest names a file a backup never holds: {:?}",
                file.path
            );
        }
    }
    progress.set_message("verifying the backup");
    progress.set_length(manifest.files.iter().map(|f| f.bytes).sum());
    progress.set_position(0);
    for file in &manifest.files {
        let found = hash_file(&src.join(&file.path))
            .with_context(|| format!("the backup is incomplete: {} is missing", file.path))?;
        if found != (file.bytes, file.sha256.clone()) {
            bail!(
                "the backup is damaged: {} does not match its size and checksum in the manifest",
                file.path
            );
        }
        progress.inc(file.bytes);
    }
    Ok(manifest)
}

/// Restores the backup in `src` into the empty (or missing) data directory
/// `data_dir`, verifying every file first. Derived data (the search index, the
/// read model) is not in a backup: the server rebuilds it when it starts.
pub fn restore(src: &Path, data_dir: &Path, progress: &ProgressBar) -> anyhow::Result<Manifest> {
    if data_dir.is_file() || holds_anything(data_dir)? {
        bail!(
            "the data directory {} is not empty: restore only into a new or empty data \
             directory (--data-dir); nothing was changed",
            data_dir.display()
        );
    }
    let manifest = verify(src, progress)?;
    let scratch = scratch_beside(data_dir, ".newsline-restore-")?;
    std::fs::create_dir(scratch.path().join(MEDIA))?;
    progress.set_message("restoring");
    progress.set_position(0);
    for file in &manifest.files {
        let Some(to) = restored_path(&file.path) else {
            bail!("the backup's manifest names {:?}", file.path);
        };
        let found = copy_hashed(&src.join(&file.path), &scratch.path().join(to))?;
        // Read again as it is copied: a file changed since verifying is caught too.
        if found != (file.bytes, file.sha256.clone()) {
            bail!(
                "the backup changed while it was restored: {} no longer matches the manifest",
                file.path
            );
        }
        progress.inc(file.bytes);
    }
    move_into_place(scratch, data_dir)?;
    Ok(manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_files_a_backup_holds_are_restored() {
        assert_eq!(
            restored_path("newsline.db"),
            Some(PathBuf::from("newsline.db"))
        );
        assert_eq!(
            restored_path("media/0123abcd.png"),
            Some(Path::new("media").join("0123abcd.png"))
        );
        for forged in [
            "../newsline.db",
            "/etc/passwd",
            "media/../../x.png",
            "media/sub/x.png",
            "search/meta.json",
            "newsline.db-wal",
        ] {
            assert_eq!(restored_path(forged), None, "{forged}");
        }
    }
}
