//! Turns uploaded bytes into safe, re-encoded, resized images; pure, with no I/O.

use std::fmt::Write as _;
use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::gif::GifEncoder;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::error::{DecodingError, ImageError, ImageFormatHint};
use image::metadata::Orientation;
use image::{
    DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, ImageReader,
};
use sha2::{Digest, Sha256};

/// Widths of the resized variants; only those narrower than the original are made.
pub const VARIANT_WIDTHS: [u32; 4] = [320, 640, 1024, 1600];

/// JPEG quality of every re-encoded JPEG: visually clean while far smaller than 95+.
const JPEG_QUALITY: u8 = 85;

/// NeuQuant speed for GIF palettes: 1 is minutes on a large frame, 10 is seconds with little loss.
const GIF_SPEED: i32 = 10;

/// Largest width or height the WebP format can hold.
const WEBP_MAX_SIDE: u32 = 16_384;

/// Hex characters of the sha256 kept in names: 64 bits is ample to tell uploads apart.
const HASH_HEX_LEN: usize = 16;

/// How much an upload may weigh and how many pixels it may decode to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted upload, in bytes.
    pub max_bytes: usize,
    /// Largest accepted width × height, checked before decoding.
    pub max_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 20 * 1024 * 1024,
            max_pixels: 40_000_000,
        }
    }
}

/// Why an upload could not be accepted or stored.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The upload is heavier than `Limits::max_bytes`.
    #[error("the file is {bytes} bytes, more than the {max} bytes allowed")]
    TooLarge {
        /// Size of the upload.
        bytes: usize,
        /// The limit it broke.
        max: usize,
    },
    /// The bytes are not one of the accepted image formats.
    #[error("the file is not a JPEG, PNG, WebP or GIF image")]
    NotAnImage,
    /// The image header declares more pixels than `Limits::max_pixels`.
    #[error("the image is {width}×{height} pixels, more than this site accepts")]
    TooManyPixels {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The decoder would need more memory than the limits allow.
    #[error("the image needs more memory to read than this site allows")]
    DecodeLimit(#[source] ImageError),
    /// The format is right but uses a feature the decoder does not support.
    #[error("this kind of JPEG, PNG, WebP or GIF image is not supported")]
    Unsupported(#[source] ImageError),
    /// The decoder failed: the file is damaged or truncated.
    #[error("the image is damaged or incomplete and could not be read")]
    Corrupt(#[source] ImageError),
    /// Re-encoding or resizing failed; a fault on our side, not the uploader's.
    #[error("the image could not be converted")]
    Encode(String),
    /// Every upload worker is busy and the queue is full; the uploader may retry soon.
    #[error("too many images are being processed right now; try again in a moment")]
    Busy,
    /// The request was abandoned (timed out or disconnected) before processing finished.
    #[error("processing the image was cancelled")]
    Cancelled,
    /// A name that is not a content-addressed media name was given to the store.
    #[error("{0:?} is not a valid media name")]
    UnsafeName(String),
    /// The local media directory could not be created, read or written.
    #[error("the media directory could not be used")]
    Io(#[source] std::io::Error),
    /// The object store refused or failed a request.
    #[error("the media store failed")]
    Store(#[source] object_store::Error),
}

/// The image formats accepted for upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
    /// GIF (only its first frame is kept).
    Gif,
}

impl SourceFormat {
    /// The MIME type to serve this format with.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::WebP => "image/webp",
            Self::Gif => "image/gif",
        }
    }

    /// The file extension used in variant names, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::WebP => "webp",
            Self::Gif => "gif",
        }
    }

    /// The format for a variant-name extension, if it is one we produce.
    pub fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "jpg" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "webp" => Some(Self::WebP),
            "gif" => Some(Self::Gif),
            _ => None,
        }
    }

    fn from_image_format(format: ImageFormat) -> Option<Self> {
        match format {
            ImageFormat::Jpeg => Some(Self::Jpeg),
            ImageFormat::Png => Some(Self::Png),
            ImageFormat::WebP => Some(Self::WebP),
            ImageFormat::Gif => Some(Self::Gif),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::WebP => ImageFormat::WebP,
            Self::Gif => ImageFormat::Gif,
        }
    }
}

/// One encoded rendition of an image, named by content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Storage name: `{hash}.{ext}` or `{hash}-{width}.{ext}`.
    pub name: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// MIME type of `bytes`.
    pub mime: &'static str,
    /// The encoded file.
    pub bytes: Vec<u8>,
}

/// An accepted upload: metadata-free re-encodings at several widths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// Leading hex of the sha256 of the re-encoded original.
    pub hash: String,
    /// Format the upload came in, and of the full-size original.
    pub format: SourceFormat,
    /// Width of the original, after EXIF orientation.
    pub width: u32,
    /// Height of the original, after EXIF orientation.
    pub height: u32,
    /// Every rendition, the original first.
    pub variants: Vec<Variant>,
}

// A `ProcessedImage` built by hand may lack its original; this keeps `original` total.
static NO_VARIANT: Variant = Variant {
    name: String::new(),
    width: 0,
    height: 0,
    mime: "",
    bytes: Vec::new(),
};

impl ProcessedImage {
    /// The full-size variant in the source format.
    pub fn original(&self) -> &Variant {
        let name = format!("{}.{}", self.hash, self.format.extension());
        self.variants
            .iter()
            .find(|v| v.name == name)
            .or_else(|| self.variants.first())
            .unwrap_or(&NO_VARIANT)
    }

    /// An HTML `srcset` of every variant of `mime`, narrowest first, under `url_prefix`.
    pub fn srcset(&self, mime: &str, url_prefix: &str) -> String {
        let prefix = url_prefix.trim_end_matches('/');
        let mut matching: Vec<&Variant> = self.variants.iter().filter(|v| v.mime == mime).collect();
        matching.sort_by_key(|v| v.width);
        let mut out = String::new();
        for v in matching {
            if !out.is_empty() {
                out.push_str(", ");
            }
            let _ = write!(out, "{prefix}/{} {}w", v.name, v.width);
        }
        out
    }
}

/// Decoded pixels in one of the two layouts every encoder here accepts.
struct Raster {
    width: u32,
    height: u32,
    alpha: bool,
    data: Vec<u8>,
}

impl Raster {
    fn pixel_type(&self) -> PixelType {
        if self.alpha {
            PixelType::U8x4
        } else {
            PixelType::U8x3
        }
    }

    fn color(&self) -> ExtendedColorType {
        if self.alpha {
            ExtendedColorType::Rgba8
        } else {
            ExtendedColorType::Rgb8
        }
    }
}

/// Checks, decodes, strips and resizes an upload into its variants.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<ProcessedImage, MediaError> {
    process_unless(bytes, limits, &AtomicBool::new(false))
}

/// As `process`, giving up with `MediaError::Cancelled` at the next step once
/// `cancelled` is set, so an abandoned upload stops using a worker.
pub fn process_unless(
    bytes: &[u8],
    limits: &Limits,
    cancelled: &AtomicBool,
) -> Result<ProcessedImage, MediaError> {
    let check = || {
        if cancelled.load(Ordering::Relaxed) {
            Err(MediaError::Cancelled)
        } else {
            Ok(())
        }
    };
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge {
            bytes: bytes.len(),
            max: limits.max_bytes,
        });
    }
    // Content decides the format: names and declared types are the uploader's to fake.
    let format = image::guess_format(bytes)
        .ok()
        .and_then(SourceFormat::from_image_format)
        .ok_or(MediaError::NotAnImage)?;

    check()?;
    let raster = decode(bytes, format, limits)?;
    check()?;
    let original_bytes = encode(&raster, format)?;
    let hash = short_hash(&original_bytes);
    let ext = format.extension();

    let mut variants = vec![Variant {
        name: format!("{hash}.{ext}"),
        width: raster.width,
        height: raster.height,
        mime: format.mime(),
        bytes: original_bytes,
    }];

    let mut resizer = Resizer::new();
    let mut resized = Vec::new();
    for width in VARIANT_WIDTHS.into_iter().filter(|&w| w < raster.width) {
        check()?;
        resized.push(resize(&mut resizer, &raster, width)?);
    }
    for small in &resized {
        check()?;
        variants.push(Variant {
            name: format!("{hash}-{}.{ext}", small.width),
            width: small.width,
            height: small.height,
            mime: format.mime(),
            bytes: encode(small, format)?,
        });
    }
    // A WebP upload already has its WebP renditions above; repeating them would clash by name.
    if format != SourceFormat::WebP {
        let full = std::iter::once((&raster, format!("{hash}.webp")));
        let smaller = resized
            .iter()
            .map(|small| (small, format!("{hash}-{}.webp", small.width)));
        // Panoramas and very tall images can exceed what WebP can hold; they keep only
        // the source-format renditions at those sizes.
        for (pixels, name) in full
            .chain(smaller)
            .filter(|(p, _)| p.width <= WEBP_MAX_SIDE && p.height <= WEBP_MAX_SIDE)
        {
            check()?;
            variants.push(Variant {
                name,
                width: pixels.width,
                height: pixels.height,
                mime: SourceFormat::WebP.mime(),
                bytes: encode(pixels, SourceFormat::WebP)?,
            });
        }
    }

    Ok(ProcessedImage {
        hash,
        format,
        width: raster.width,
        height: raster.height,
        variants,
    })
}

fn decode(bytes: &[u8], format: SourceFormat, limits: &Limits) -> Result<Raster, MediaError> {
    // The JPEG decoder pads a cut-off scan with grey instead of failing; an interrupted
    // upload must be refused, not published with a grey bottom half.
    if format == SourceFormat::Jpeg && !jpeg_has_end_after_scan(bytes) {
        return Err(MediaError::Corrupt(ImageError::Decoding(
            DecodingError::new(
                ImageFormatHint::Exact(ImageFormat::Jpeg),
                "no end-of-image marker after the image data",
            ),
        )));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    reader.limits(decoder_limits(limits));
    // Only headers are read here, so a decompression bomb is refused before it inflates.
    let mut decoder = reader.into_decoder().map_err(from_image_error)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(MediaError::TooManyPixels { width, height });
    }
    // Cameras store portrait shots sideways plus a tag; the tag is about to be stripped,
    // so the rotation has to be baked into the pixels. A malformed tag is just ignored.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(from_image_error)?;
    image.apply_orientation(orientation);

    // JPEG cannot carry alpha, so it is never kept for JPEG output.
    let alpha = image.color().has_alpha() && format != SourceFormat::Jpeg;
    let (width, height) = (image.width(), image.height());
    let data = if alpha {
        image.into_rgba8().into_raw()
    } else {
        image.into_rgb8().into_raw()
    };
    Ok(Raster {
        width,
        height,
        alpha,
        data,
    })
}

/// Whether an end-of-image marker follows the first start-of-scan.
///
/// Header segments are skipped by their lengths, because an EXIF thumbnail is a whole
/// JPEG of its own, end marker included. Inside scan data a 0xFF byte is always followed
/// by 0x00 or a restart marker, so 0xFF 0xD9 there can only be the real end.
fn jpeg_has_end_after_scan(bytes: &[u8]) -> bool {
    let mut i = 2;
    loop {
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            return false;
        };
        match marker {
            // Fill bytes before a marker.
            0xFF => i += 1,
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => i += 2,
            0xD9 => return false,
            _ => {
                let (Some(&hi), Some(&lo)) = (bytes.get(i + 2), bytes.get(i + 3)) else {
                    return false;
                };
                let next = i + 2 + usize::from(u16::from_be_bytes([hi, lo]));
                if marker == 0xDA {
                    return bytes
                        .get(next..)
                        .is_some_and(|scan| scan.windows(2).any(|w| w == [0xFF, 0xD9]));
                }
                i = next;
            }
        }
    }
}

fn decoder_limits(limits: &Limits) -> image::Limits {
    let side = u32::try_from(limits.max_pixels).unwrap_or(u32::MAX);
    let mut decoder_limits = image::Limits::default();
    // No side can exceed the pixel budget, so this lets decoders refuse even earlier.
    decoder_limits.max_image_width = Some(side);
    decoder_limits.max_image_height = Some(side);
    // Room for the largest decoded buffer (16-bit RGBA) plus decoder working memory.
    decoder_limits.max_alloc = Some(
        limits
            .max_pixels
            .saturating_mul(8)
            .saturating_add(64 * 1024 * 1024),
    );
    decoder_limits
}

fn from_image_error(err: ImageError) -> MediaError {
    match err {
        ImageError::Limits(_) => MediaError::DecodeLimit(err),
        ImageError::Unsupported(_) => MediaError::Unsupported(err),
        _ => MediaError::Corrupt(err),
    }
}

/// Encodes from pixels only, which is what drops EXIF (GPS included), XMP and comments.
fn encode(raster: &Raster, format: SourceFormat) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let (data, w, h, color) = (&raster.data, raster.width, raster.height, raster.color());
    let result = match format {
        SourceFormat::Jpeg => {
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).write_image(data, w, h, color)
        }
        SourceFormat::Png => PngEncoder::new(&mut out).write_image(data, w, h, color),
        // image only writes lossless WebP; lossy would need libwebp.
        SourceFormat::WebP => WebPEncoder::new_lossless(&mut out).write_image(data, w, h, color),
        // One frame only: animation is not kept, the first frame stands for the GIF.
        SourceFormat::Gif => {
            GifEncoder::new_with_speed(&mut out, GIF_SPEED).encode(data, w, h, color)
        }
    };
    result
        .map_err(|e| MediaError::Encode(format!("{} encoding failed: {e}", format.extension())))?;
    Ok(out)
}

fn resize(resizer: &mut Resizer, raster: &Raster, width: u32) -> Result<Raster, MediaError> {
    let height = scaled_height(raster.width, raster.height, width);
    let src = ImageRef::new(
        raster.width,
        raster.height,
        &raster.data,
        raster.pixel_type(),
    )
    .map_err(|e| MediaError::Encode(format!("resize source: {e}")))?;
    let mut dst = Image::new(width, height, raster.pixel_type());
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    resizer
        .resize(&src, &mut dst, &options)
        .map_err(|e| MediaError::Encode(format!("resize to {width}px: {e}")))?;
    Ok(Raster {
        width,
        height,
        alpha: raster.alpha,
        data: dst.into_vec(),
    })
}

/// Height that keeps the aspect ratio at `new_width`, rounded, never zero.
fn scaled_height(width: u32, height: u32, new_width: u32) -> u32 {
    let width = u64::from(width.max(1));
    let scaled = (u64::from(height) * u64::from(new_width) + width / 2) / width;
    u32::try_from(scaled).unwrap_or(u32::MAX).max(1)
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(HASH_HEX_LEN);
    for byte in digest.iter().take(HASH_HEX_LEN / 2) {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage, Rgba, RgbaImage};

    fn gradient_rgb(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        })
    }

    fn png_bytes(width: u32, height: u32) -> Vec<u8> {
        let img = RgbaImage::from_fn(width, height, |x, y| {
            Rgba([(x % 256) as u8, (y % 256) as u8, 128, 200])
        });
        let mut out = Vec::new();
        PngEncoder::new(&mut out)
            .write_image(img.as_raw(), width, height, ExtendedColorType::Rgba8)
            .expect("encodes");
        out
    }

    fn jpeg_bytes(width: u32, height: u32) -> Vec<u8> {
        let img = gradient_rgb(width, height);
        let mut out = Vec::new();
        JpegEncoder::new_with_quality(&mut out, 90)
            .write_image(img.as_raw(), width, height, ExtendedColorType::Rgb8)
            .expect("encodes");
        out
    }

    /// The error for refused bytes; on success reports only the variant names.
    fn refused(bytes: &[u8], limits: &Limits) -> MediaError {
        match process(bytes, limits) {
            Ok(image) => {
                let names: Vec<&str> = image.variants.iter().map(|v| v.name.as_str()).collect();
                panic!("accepted, producing {names:?}")
            }
            Err(err) => err,
        }
    }

    fn widths_of(image: &ProcessedImage, mime: &str) -> Vec<u32> {
        image
            .variants
            .iter()
            .filter(|v| v.mime == mime)
            .map(|v| v.width)
            .collect()
    }

    fn decoded_format(bytes: &[u8]) -> ImageFormat {
        image::guess_format(bytes).expect("a known format")
    }

    /// Marker segments of a JPEG up to the start of scan, as (marker, payload).
    fn jpeg_header_segments(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
        assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
        let mut segments = Vec::new();
        let mut i = 2;
        while i + 4 <= bytes.len() {
            assert_eq!(bytes[i], 0xFF, "lost sync at {i}");
            let marker = bytes[i + 1];
            let len = usize::from(u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]));
            segments.push((marker, bytes[i + 4..i + 2 + len].to_vec()));
            if marker == 0xDA {
                break;
            }
            i += 2 + len;
        }
        segments
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        chunk.extend_from_slice(&body);
        chunk.extend_from_slice(&crc32(&body).to_be_bytes());
        chunk
    }

    #[test]
    fn a_png_gets_png_and_webp_variants_at_the_widths_below_its_own() {
        let image = process(&png_bytes(700, 350), &Limits::default()).expect("accepted");

        assert_eq!(image.format, SourceFormat::Png);
        assert_eq!((image.width, image.height), (700, 350));
        assert_eq!(image.hash.len(), 16);
        assert_eq!(widths_of(&image, "image/png"), vec![700, 320, 640]);
        assert_eq!(widths_of(&image, "image/webp"), vec![700, 320, 640]);
        let original = image.original();
        assert_eq!(original.name, format!("{}.png", image.hash));
        assert_eq!(decoded_format(&original.bytes), ImageFormat::Png);
        for v in &image.variants {
            let expected = if v.mime == "image/png" {
                ImageFormat::Png
            } else {
                ImageFormat::WebP
            };
            assert_eq!(decoded_format(&v.bytes), expected, "{}", v.name);
            let decoded = image::load_from_memory(&v.bytes).expect("decodes");
            assert_eq!((decoded.width(), decoded.height()), (v.width, v.height));
            assert_eq!(v.height, v.width.div_ceil(2), "aspect kept for {}", v.name);
            assert!(decoded.color().has_alpha(), "alpha kept in {}", v.name);
        }
        let names: Vec<&str> = image.variants.iter().map(|v| v.name.as_str()).collect();
        let h = &image.hash;
        assert_eq!(
            names,
            vec![
                format!("{h}.png"),
                format!("{h}-320.png"),
                format!("{h}-640.png"),
                format!("{h}.webp"),
                format!("{h}-320.webp"),
                format!("{h}-640.webp"),
            ]
        );
    }

    #[test]
    fn a_jpeg_gets_jpeg_and_webp_variants_and_a_srcset() {
        let image = process(&jpeg_bytes(1100, 550), &Limits::default()).expect("accepted");

        assert_eq!(image.format, SourceFormat::Jpeg);
        assert_eq!(widths_of(&image, "image/jpeg"), vec![1100, 320, 640, 1024]);
        assert_eq!(widths_of(&image, "image/webp"), vec![1100, 320, 640, 1024]);
        for v in &image.variants {
            let expected = if v.mime == "image/jpeg" {
                ImageFormat::Jpeg
            } else {
                ImageFormat::WebP
            };
            assert_eq!(decoded_format(&v.bytes), expected, "{}", v.name);
        }
        let h = &image.hash;
        assert_eq!(
            image.srcset("image/webp", "/media/"),
            format!(
                "/media/{h}-320.webp 320w, /media/{h}-640.webp 640w, \
                 /media/{h}-1024.webp 1024w, /media/{h}.webp 1100w"
            )
        );
    }

    #[test]
    fn processing_is_deterministic_so_names_are_stable() {
        let bytes = jpeg_bytes(400, 300);
        let a = process(&bytes, &Limits::default()).expect("accepted");
        let b = process(&bytes, &Limits::default()).expect("accepted");
        assert_eq!(a, b);
    }

    #[test]
    fn sizes_webp_cannot_hold_get_no_webp_rendition() {
        let image = process(&png_bytes(17_000, 2), &Limits::default()).expect("accepted");
        assert_eq!(
            widths_of(&image, "image/png"),
            vec![17_000, 320, 640, 1024, 1600]
        );
        assert_eq!(widths_of(&image, "image/webp"), vec![320, 640, 1024, 1600]);
        assert!(
            image
                .variants
                .iter()
                .all(|v| v.height == 1 || v.width == 17_000)
        );
    }

    #[test]
    fn a_small_image_has_only_full_size_variants() {
        let image = process(&png_bytes(100, 80), &Limits::default()).expect("accepted");
        assert_eq!(widths_of(&image, "image/png"), vec![100]);
        assert_eq!(widths_of(&image, "image/webp"), vec![100]);
    }

    #[test]
    fn a_webp_upload_is_not_given_duplicate_webp_variants() {
        let img = gradient_rgb(400, 200);
        let mut bytes = Vec::new();
        WebPEncoder::new_lossless(&mut bytes)
            .write_image(img.as_raw(), 400, 200, ExtendedColorType::Rgb8)
            .expect("encodes");
        let image = process(&bytes, &Limits::default()).expect("accepted");
        assert_eq!(image.format, SourceFormat::WebP);
        let names: Vec<&str> = image.variants.iter().map(|v| v.name.as_str()).collect();
        let h = &image.hash;
        assert_eq!(names, vec![format!("{h}.webp"), format!("{h}-320.webp")]);
    }

    #[test]
    fn a_gif_keeps_its_first_frame_as_a_gif() {
        let img = RgbaImage::from_fn(360, 100, |x, _| Rgba([(x % 256) as u8, 0, 0, 255]));
        let mut bytes = Vec::new();
        GifEncoder::new_with_speed(&mut bytes, 10)
            .encode(img.as_raw(), 360, 100, ExtendedColorType::Rgba8)
            .expect("encodes");
        let image = process(&bytes, &Limits::default()).expect("accepted");
        assert_eq!(image.format, SourceFormat::Gif);
        assert_eq!(widths_of(&image, "image/gif"), vec![360, 320]);
        assert_eq!(decoded_format(&image.original().bytes), ImageFormat::Gif);
    }

    #[test]
    fn a_cancelled_upload_stops_before_its_variants_are_made() {
        let cancelled = AtomicBool::new(true);
        let err = process_unless(&png_bytes(700, 350), &Limits::default(), &cancelled)
            .expect_err("cancelled");
        assert!(matches!(err, MediaError::Cancelled), "{err:?}");
    }

    #[test]
    fn a_forty_megapixel_image_is_refused_by_its_header_under_a_smaller_limit() {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&8000u32.to_be_bytes());
        ihdr.extend_from_slice(&5000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        bytes.extend(png_chunk(b"IHDR", &ihdr));
        bytes.extend(png_chunk(
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        ));
        bytes.extend(png_chunk(b"IEND", &[]));
        let limits = Limits {
            max_pixels: 24_000_000,
            ..Limits::default()
        };
        let err = refused(&bytes, &limits);
        assert!(
            matches!(
                err,
                MediaError::TooManyPixels {
                    width: 8000,
                    height: 5000
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn text_is_not_an_image() {
        let err = refused(b"Hello, this is just a text file.\n", &Limits::default());
        assert!(matches!(err, MediaError::NotAnImage), "{err:?}");
        assert_eq!(
            err.to_string(),
            "the file is not a JPEG, PNG, WebP or GIF image"
        );
    }

    #[test]
    fn svg_is_not_accepted() {
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#;
        let err = refused(svg, &Limits::default());
        assert!(matches!(err, MediaError::NotAnImage), "{err:?}");
    }

    #[test]
    fn an_empty_upload_is_not_an_image() {
        let err = refused(&[], &Limits::default());
        assert!(matches!(err, MediaError::NotAnImage), "{err:?}");
    }

    #[test]
    fn a_truncated_jpeg_is_corrupt() {
        let bytes = jpeg_bytes(300, 200);
        for cut in [3, 20, bytes.len() / 3, bytes.len() / 2, bytes.len() - 2] {
            let err = refused(&bytes[..cut], &Limits::default());
            assert!(matches!(err, MediaError::Corrupt(_)), "cut {cut}: {err:?}");
        }
    }

    #[test]
    fn truncated_png_webp_and_gif_are_corrupt() {
        let png = png_bytes(300, 200);
        let img = gradient_rgb(300, 200);
        let mut webp = Vec::new();
        WebPEncoder::new_lossless(&mut webp)
            .write_image(img.as_raw(), 300, 200, ExtendedColorType::Rgb8)
            .expect("encodes");
        let mut gif = Vec::new();
        GifEncoder::new_with_speed(&mut gif, 10)
            .encode(img.as_raw(), 300, 200, ExtendedColorType::Rgb8)
            .expect("encodes");
        for (kind, bytes) in [("png", png), ("webp", webp), ("gif", gif)] {
            // Cuts inside the pixel data; a lost trailer after complete pixels is harmless.
            for cut in [bytes.len() / 2, bytes.len() * 9 / 10] {
                let err = refused(&bytes[..cut], &Limits::default());
                assert!(
                    matches!(err, MediaError::Corrupt(_)),
                    "{kind} cut {cut}: {err:?}"
                );
            }
        }
    }

    #[test]
    fn a_jpeg_with_a_thumbnail_still_needs_its_own_end_marker() {
        let thumbnail = jpeg_bytes(16, 16);
        let main = jpeg_bytes(64, 64);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&thumbnail);
        let mut tagged = main[..2].to_vec();
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(&app1);
        tagged.extend_from_slice(&main[2..]);
        assert!(process(&tagged, &Limits::default()).is_ok());
        let cut = &tagged[..tagged.len() - 2];
        assert!(matches!(
            refused(cut, &Limits::default()),
            MediaError::Corrupt(_)
        ));
    }

    #[test]
    fn damaged_bytes_of_every_format_never_panic() {
        let img = gradient_rgb(48, 40);
        let mut webp = Vec::new();
        WebPEncoder::new_lossless(&mut webp)
            .write_image(img.as_raw(), 48, 40, ExtendedColorType::Rgb8)
            .expect("encodes");
        let mut gif = Vec::new();
        GifEncoder::new_with_speed(&mut gif, 10)
            .encode(img.as_raw(), 48, 40, ExtendedColorType::Rgb8)
            .expect("encodes");
        // A fixed xorshift, so a failure reproduces.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for clean in [png_bytes(48, 40), jpeg_bytes(48, 40), webp, gif] {
            for _ in 0..150 {
                let mut bytes = clean.clone();
                for _ in 0..1 + next() % 8 {
                    let at = (next() as usize) % bytes.len();
                    bytes[at] = next() as u8;
                }
                let cut = bytes.len() - (next() as usize) % (bytes.len() / 4);
                let _ = process(&bytes[..cut], &Limits::default());
            }
        }
    }

    #[test]
    fn a_png_claiming_ten_gigapixels_is_refused_before_decoding() {
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        ihdr.extend_from_slice(&100_000u32.to_be_bytes());
        // 8-bit RGB, deflate, adaptive filtering, no interlace.
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(png_chunk(b"IHDR", &ihdr));
        // Data that would not even inflate: reaching it would fail as corrupt, not as too big.
        png.extend(png_chunk(b"IDAT", &[0xde, 0xad, 0xbe, 0xef]));
        png.extend(png_chunk(b"IEND", &[]));

        let err = refused(&png, &Limits::default());
        assert!(
            matches!(
                err,
                MediaError::TooManyPixels {
                    width: 100_000,
                    height: 100_000
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn the_pixel_limit_counts_width_times_height() {
        let limits = Limits {
            max_pixels: 100 * 99,
            ..Limits::default()
        };
        let err = refused(&png_bytes(100, 100), &limits);
        assert!(matches!(
            err,
            MediaError::TooManyPixels {
                width: 100,
                height: 100
            }
        ));
        assert!(process(&png_bytes(99, 100), &limits).is_ok());
    }

    #[test]
    fn an_upload_over_max_bytes_is_refused() {
        let bytes = png_bytes(64, 64);
        let limits = Limits {
            max_bytes: bytes.len() - 1,
            ..Limits::default()
        };
        let err = refused(&bytes, &limits);
        assert!(
            matches!(err, MediaError::TooLarge { bytes: b, max } if b == bytes.len() && max == bytes.len() - 1),
            "{err:?}"
        );
        // Size is judged before content: even garbage gets TooLarge, not NotAnImage.
        let err = refused(
            &[0u8; 11],
            &Limits {
                max_bytes: 10,
                ..Limits::default()
            },
        );
        assert!(matches!(err, MediaError::TooLarge { .. }), "{err:?}");
    }

    #[test]
    fn exif_with_gps_is_gone_from_every_variant() {
        const MARKER: &[u8] = b"GPSLatitude-TEST";
        let clean = jpeg_bytes(700, 400);
        // A big-endian TIFF header with an empty IFD, then the marker where GPS data would sit.
        let mut app1 = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\0\0\0\0\0".to_vec();
        app1.extend_from_slice(MARKER);
        let mut tagged = clean[..2].to_vec();
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(&app1);
        tagged.extend_from_slice(&clean[2..]);
        assert!(contains(&tagged, MARKER));
        assert!(
            jpeg_header_segments(&tagged)
                .iter()
                .any(|(m, _)| *m == 0xE1)
        );

        let image = process(&tagged, &Limits::default()).expect("accepted");

        assert!(image.variants.len() >= 6);
        for v in &image.variants {
            assert!(!contains(&v.bytes, MARKER), "marker survived in {}", v.name);
            assert!(!contains(&v.bytes, b"Exif"), "EXIF survived in {}", v.name);
            if v.mime == "image/jpeg" {
                let segments = jpeg_header_segments(&v.bytes);
                assert!(
                    segments.iter().all(|(m, _)| *m != 0xE1),
                    "APP1 in {}",
                    v.name
                );
            }
        }
    }

    #[test]
    fn exif_orientation_is_applied_to_the_pixels() {
        let clean = jpeg_bytes(200, 100);
        // Big-endian TIFF, one IFD entry: Orientation (0x0112), SHORT, count 1, value 6 (90° CW).
        let app1 = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0";
        let mut tagged = clean[..2].to_vec();
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(app1);
        tagged.extend_from_slice(&clean[2..]);

        let image = process(&tagged, &Limits::default()).expect("accepted");
        assert_eq!((image.width, image.height), (100, 200));
    }

    #[test]
    fn scaled_height_rounds_and_never_reaches_zero() {
        assert_eq!(scaled_height(1000, 500, 320), 160);
        assert_eq!(scaled_height(3, 2, 2), 1);
        assert_eq!(scaled_height(10_000, 1, 320), 1);
    }

    #[test]
    fn original_of_an_empty_image_does_not_panic() {
        let image = ProcessedImage {
            hash: String::new(),
            format: SourceFormat::Png,
            width: 0,
            height: 0,
            variants: Vec::new(),
        };
        assert!(image.original().bytes.is_empty());
        assert_eq!(image.srcset("image/png", "/media"), "");
    }
}
