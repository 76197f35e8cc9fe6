//! Where variants live: a local directory or an S3-compatible bucket, addressed by content name.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};

use super::process::{MediaError, ProcessedImage, SourceFormat, Variant};

/// How to reach an S3 or S3-compatible bucket.
#[derive(Clone)]
pub struct S3Config {
    /// Bucket name.
    pub bucket: String,
    /// Base URL of an S3-compatible server; `None` means AWS itself.
    pub endpoint: Option<String>,
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Allow plain `http://` endpoints (local test servers only).
    pub allow_http: bool,
}

// Hand-written so the secret never reaches a log line.
impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// Stores and serves image variants by their content-addressed names.
#[derive(Debug, Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    /// Whether the backend keeps a Content-Type with each object (S3 does, a folder does not).
    typed: bool,
}

impl MediaStore {
    /// A store in a local folder, created if missing.
    pub fn local(dir: &Path) -> Result<Self, MediaError> {
        std::fs::create_dir_all(dir).map_err(MediaError::Io)?;
        // LocalFileSystem writes through a temporary file and a rename: readers never
        // see half an image. Each file and its folder are synced before the image's
        // row commits, so a row acknowledged never names a file a power loss took.
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(MediaError::Store)?
            .with_fsync(true);
        Ok(Self {
            store: Arc::new(store),
            typed: false,
        })
    }

    /// A store in an S3 bucket, or a bucket on an S3-compatible server when `endpoint` is set.
    pub fn s3(config: &S3Config) -> Result<Self, MediaError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key)
            .with_allow_http(config.allow_http);
        if let Some(endpoint) = &config.endpoint {
            // Self-hosted servers rarely have per-bucket DNS names, so address buckets by path.
            builder = builder
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
        }
        let store = builder.build().map_err(MediaError::Store)?;
        Ok(Self::from_object_store(Arc::new(store)))
    }

    /// A store over any object store, e.g. `object_store::memory::InMemory` in tests.
    pub fn from_object_store(store: Arc<dyn ObjectStore>) -> Self {
        Self { store, typed: true }
    }

    /// Stores one variant; storing the same name again is harmless because names are content hashes.
    pub async fn put(&self, variant: &Variant) -> Result<(), MediaError> {
        self.put_named(&variant.name, variant.bytes.clone()).await
    }

    /// Stores the file `name` (a content-addressed media name) with `bytes`.
    pub async fn put_named(&self, name: &str, bytes: Vec<u8>) -> Result<(), MediaError> {
        let Some(format) = safe_name_format(name) else {
            return Err(MediaError::UnsafeName(name.to_owned()));
        };
        let path = ObjectPath::from(name);
        let payload = PutPayload::from(Bytes::from(bytes));
        let options = if self.typed {
            // The type goes with the object so a bucket served directly answers correctly.
            PutOptions::from(Attributes::from_iter([(
                Attribute::ContentType,
                format.mime(),
            )]))
        } else {
            PutOptions::default()
        };
        self.store
            .put_opts(&path, payload, options)
            .await
            .map_err(MediaError::Store)?;
        tracing::debug!(media.name = %name, "stored media variant {name}");
        Ok(())
    }

    /// Whether the file `name` is stored; `false` for anything not a media name.
    pub async fn contains(&self, name: &str) -> Result<bool, MediaError> {
        if safe_name_format(name).is_none() {
            return Ok(false);
        }
        match self.store.head(&ObjectPath::from(name)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(MediaError::Store(e)),
        }
    }

    /// Removes the file `name`, if stored: only for files a failed write put there.
    pub async fn delete(&self, name: &str) -> Result<(), MediaError> {
        let Some(_) = safe_name_format(name) else {
            return Err(MediaError::UnsafeName(name.to_owned()));
        };
        match self.store.delete(&ObjectPath::from(name)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(MediaError::Store(e)),
        }
    }

    /// Stores every variant of an image.
    pub async fn put_all(&self, image: &ProcessedImage) -> Result<(), MediaError> {
        for variant in &image.variants {
            self.put(variant).await?;
        }
        Ok(())
    }

    /// A stored variant and its MIME type; `None` if missing or if `name` is not a media name.
    pub async fn get(&self, name: &str) -> Result<Option<(Bytes, &'static str)>, MediaError> {
        // Only names we could have produced reach the backend, so no path can escape it.
        let Some(format) = safe_name_format(name) else {
            return Ok(None);
        };
        let bytes = match self.store.get(&ObjectPath::from(name)).await {
            Ok(result) => result.bytes().await.map_err(MediaError::Store)?,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => return Err(MediaError::Store(e)),
        };
        Ok(Some((bytes, format.mime())))
    }
}

/// The format of a content-addressed name (`{hex}.{ext}` or `{hex}-{width}.{ext}`), if it is one.
pub fn safe_name_format(name: &str) -> Option<SourceFormat> {
    let (stem, ext) = name.split_once('.')?;
    let format = SourceFormat::from_extension(ext)?;
    let (hash, width) = match stem.split_once('-') {
        Some((hash, width)) => (hash, Some(width)),
        None => (stem, None),
    };
    let is_hex =
        |s: &str| !s.is_empty() && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if is_hex(hash) && width.is_none_or(is_digits) {
        Some(format)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::process::{Limits, process};
    use image::{ExtendedColorType, ImageEncoder, codecs::png::PngEncoder};

    fn processed_png() -> ProcessedImage {
        let (w, h) = (400u32, 200u32);
        let pixels: Vec<u8> = (0..w * h * 3).map(|i| (i % 251) as u8).collect();
        let mut bytes = Vec::new();
        PngEncoder::new(&mut bytes)
            .write_image(&pixels, w, h, ExtendedColorType::Rgb8)
            .expect("encodes");
        process(&bytes, &Limits::default()).expect("accepted")
    }

    #[tokio::test]
    async fn variants_put_in_a_directory_come_back_byte_for_byte() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = MediaStore::local(&dir.path().join("media")).expect("local store");
        let image = processed_png();

        store.put_all(&image).await.expect("stored");
        // Content-addressed, so a second upload of the same image is a no-op in effect.
        store.put_all(&image).await.expect("stored");

        for v in &image.variants {
            let (bytes, mime) = store.get(&v.name).await.expect("read").expect("present");
            assert_eq!(bytes.as_ref(), v.bytes.as_slice(), "{}", v.name);
            assert_eq!(mime, v.mime);
        }
        let leftovers = std::fs::read_dir(dir.path().join("media"))
            .expect("list dir")
            .count();
        assert_eq!(leftovers, image.variants.len(), "no temporary files remain");
    }

    #[tokio::test]
    async fn a_missing_variant_is_none() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = MediaStore::local(dir.path()).expect("local store");
        assert!(store.get("0123abcd.png").await.expect("read").is_none());
    }

    #[tokio::test]
    async fn unsafe_names_are_refused_without_touching_the_disk() {
        let dir = tempfile::tempdir().expect("temp dir");
        let inner = dir.path().join("media");
        let store = MediaStore::local(&inner).expect("local store");
        // A real file beside the store that traversal would reach.
        std::fs::write(dir.path().join("x"), b"secret").expect("write fixture");
        std::fs::write(dir.path().join("ab.png"), b"secret").expect("write fixture");
        std::fs::write(inner.join("x.exe"), b"program").expect("write fixture");

        for name in [
            "../x",
            "../ab.png",
            "a/b.png",
            "x.exe",
            "ab.exe",
            "ab.png.png",
            ".png",
            "ab",
            "AB.png",
            "ab..png",
            "ab-.png",
            "-12.png",
            "ab-12-3.png",
            "/etc/passwd",
            "ab.png\0",
            "",
        ] {
            assert!(store.get(name).await.expect("read").is_none(), "{name:?}");
        }
    }

    #[tokio::test]
    async fn putting_a_variant_with_an_unsafe_name_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = MediaStore::local(&dir.path().join("media")).expect("local store");
        let variant = Variant {
            name: "../evil.png".into(),
            width: 1,
            height: 1,
            mime: "image/png",
            bytes: vec![1, 2, 3],
        };
        let err = store.put(&variant).await.expect_err("refused");
        assert!(matches!(err, MediaError::UnsafeName(_)), "{err:?}");
        assert!(!dir.path().join("evil.png").exists());
    }

    #[tokio::test]
    async fn an_object_store_backend_round_trips() {
        let store = MediaStore::from_object_store(Arc::new(object_store::memory::InMemory::new()));
        let image = processed_png();
        store.put_all(&image).await.expect("stored");
        for v in &image.variants {
            let (bytes, mime) = store.get(&v.name).await.expect("read").expect("present");
            assert_eq!(bytes.as_ref(), v.bytes.as_slice());
            assert_eq!(mime, v.mime);
        }
        assert!(store.get("ffff.png").await.expect("read").is_none());
    }

    #[test]
    fn safe_names_are_exactly_the_ones_process_makes() {
        assert_eq!(
            safe_name_format("0123456789abcdef.jpg"),
            Some(SourceFormat::Jpeg)
        );
        assert_eq!(
            safe_name_format("0123456789abcdef-640.webp"),
            Some(SourceFormat::WebP)
        );
        assert_eq!(safe_name_format("abc.gif"), Some(SourceFormat::Gif));
        assert_eq!(safe_name_format("abc.jpeg"), None);
        assert_eq!(safe_name_format("abc.PNG"), None);
    }
}
