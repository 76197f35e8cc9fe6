//! The S3 path of the media store, against a real S3-compatible server (moto) on 127.0.0.1.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgba, RgbaImage};
use newsline::media::{Limits, MediaStore, S3Config, process};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{Attribute, ObjectStoreExt};

const INSTALL_HINT: &str = "scripts/test installs it with `pip install 'moto[server]'`";

/// A moto server on a loopback port, killed when dropped, panics included.
struct MotoServer {
    child: Child,
    port: u16,
}

impl MotoServer {
    fn start() -> Self {
        let port = free_port();
        let child = match Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!("moto_server is not on PATH; {INSTALL_HINT}")
            }
            Err(e) => panic!("moto_server could not be started ({e}); {INSTALL_HINT}"),
        };
        Self { child, port }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Polls until the server answers, failing fast if it exited (e.g. a pyenv shim
    /// whose Python lacks moto).
    async fn wait_until_ready(&mut self, http: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("poll moto_server") {
                panic!("moto_server exited with {status} before answering; {INSTALL_HINT}");
            }
            if http.get(self.url()).send().await.is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not answer on {} within 60 s",
                self.url()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

fn png_upload() -> Vec<u8> {
    let (w, h) = (700, 420);
    let img = RgbaImage::from_fn(w, h, |x, y| {
        Rgba([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8, 255])
    });
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(img.as_raw(), w, h, ExtendedColorType::Rgba8)
        .expect("encodes");
    bytes
}

#[tokio::test]
async fn processed_variants_round_trip_through_an_s3_compatible_server() {
    let mut server = MotoServer::start();
    // Loopback only: never route test traffic through a proxy from the environment.
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client");
    server.wait_until_ready(&http).await;

    let bucket = "newsline-media";
    let created = http
        .put(format!("{}/{bucket}", server.url()))
        .send()
        .await
        .expect("create bucket");
    assert!(
        created.status().is_success(),
        "bucket creation failed: {}",
        created.status()
    );

    let config = S3Config {
        bucket: bucket.into(),
        endpoint: Some(server.url()),
        region: "us-east-1".into(),
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
        allow_http: true,
    };
    let store = MediaStore::s3(&config).expect("s3 store");
    // A second client on the same bucket, to look at the objects as S3 stores them.
    let bucket_client = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(&config.region)
        .with_endpoint(server.url())
        .with_access_key_id(&config.access_key_id)
        .with_secret_access_key(&config.secret_access_key)
        .with_allow_http(true)
        .build()
        .expect("bucket client");

    let image = process(&png_upload(), &Limits::default()).expect("accepted");
    assert_eq!(
        image.variants.len(),
        6,
        "png and webp at 320, 640 and full size"
    );
    store.put_all(&image).await.expect("stored");
    // Names are content hashes, so storing again must be harmless.
    store.put_all(&image).await.expect("stored again");

    for variant in &image.variants {
        let (bytes, mime) = store
            .get(&variant.name)
            .await
            .expect("read")
            .unwrap_or_else(|| panic!("{} missing from the bucket", variant.name));
        assert_eq!(
            bytes.as_ref(),
            variant.bytes.as_slice(),
            "{} changed",
            variant.name
        );
        assert_eq!(mime, variant.mime);

        // Served straight from the bucket, the object must carry its type.
        let raw = bucket_client
            .get(&ObjectPath::from(variant.name.as_str()))
            .await
            .expect("direct get");
        assert_eq!(
            raw.attributes
                .get(&Attribute::ContentType)
                .map(|v| v.as_ref()),
            Some(variant.mime),
            "{}",
            variant.name
        );
    }

    let missing = format!("{}-9999.png", image.hash);
    assert!(store.get(&missing).await.expect("read").is_none());
    assert!(store.get("../secret").await.expect("read").is_none());
}

#[tokio::test]
async fn a_site_configured_for_s3_keeps_newsroom_uploads_in_the_bucket() {
    let mut server = MotoServer::start();
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("http client");
    server.wait_until_ready(&http).await;
    let created = http
        .put(format!("{}/site-media", server.url()))
        .send()
        .await
        .expect("create bucket");
    assert!(created.status().is_success());

    // The same settings an operator would put in newsline.toml or NEWSLINE_* variables.
    let env = [
        ("NEWSLINE_S3_BUCKET", "site-media".to_owned()),
        ("NEWSLINE_S3_ENDPOINT", server.url()),
        ("NEWSLINE_S3_ACCESS_KEY_ID", "testing".to_owned()),
        ("NEWSLINE_S3_SECRET_ACCESS_KEY", "testing".to_owned()),
    ]
    .map(|(k, v)| (k.to_owned(), v));
    let data = tempfile::tempdir().expect("data dir");
    let mut settings =
        newsline::config::Settings::load(Some(std::path::Path::new("/dev/null")), env)
            .expect("settings");
    settings.data_dir = data.path().to_owned();
    assert!(
        !format!("{settings:?}").contains("testing\""),
        "keys do not print"
    );

    let store = newsline::store::Store::open(&settings.database_url())
        .await
        .expect("store");
    let media = newsline::app::media_store(&settings).expect("s3 media store");
    let newsroom = newsline::newsroom::Newsroom::new(store, Default::default())
        .with_media(media, settings.media.max_upload_bytes);
    let id = newsroom
        .create_account(
            "chief",
            "Chief",
            newsline::domain::Role::Admin,
            "a long enough password",
            None,
        )
        .await
        .expect("account");
    let actor = newsline::newsroom::Actor {
        id: Some(id),
        role: newsline::domain::Role::Admin,
        name: "Chief".into(),
    };
    let record = newsroom
        .upload_image(&actor, png_upload(), "A test card", "", "")
        .await
        .expect("uploaded");
    let name = format!("{}.{}", record.hash, record.format);
    let (bytes, mime) = newsroom
        .media_store()
        .expect("configured")
        .get(&name)
        .await
        .expect("read")
        .expect("in the bucket");
    assert_eq!(mime, "image/png");
    assert!(!bytes.is_empty());
    assert!(
        !data.path().join("media").exists(),
        "nothing was written to local disk"
    );
}
