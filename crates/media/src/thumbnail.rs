//! Decoding originals and producing WebP thumbnails.

use crate::MediaError;
use fast_image_resize::{PixelType, ResizeOptions, Resizer, images::Image};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// Largest side we accept for an original (long Korean detail images reach ~10,000 px).
const MAX_SIDE: u32 = 12_000;
/// Most pixels we agree to decode (decompression-bomb guard): a 48 MP phone photo fits; a tiny
/// file claiming 10,000 × 10,000 does not.
pub const MAX_PIXELS: u64 = 50_000_000;
/// Bytes one decode may allocate: the largest accepted image as 8-bit RGBA, with some slack.
const MAX_DECODE_BYTES: u64 = MAX_PIXELS * 4 + 16 * 1024 * 1024;
/// WebP quality for thumbnails (0–100).
const WEBP_QUALITY: f32 = 80.0;

/// The fixed thumbnail sizes the shop serves (longest side in pixels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThumbSize {
    /// Product grids.
    List,
    /// Product page main image.
    Detail,
    /// Zoomed view.
    Zoom,
}

impl ThumbSize {
    /// Every size.
    pub const ALL: [ThumbSize; 3] = [ThumbSize::List, ThumbSize::Detail, ThumbSize::Zoom];

    /// Longest side in pixels.
    pub fn max_side(self) -> u32 {
        match self {
            ThumbSize::List => 400,
            ThumbSize::Detail => 800,
            ThumbSize::Zoom => 1600,
        }
    }

    /// Name used in URLs and storage keys.
    pub fn name(self) -> &'static str {
        match self {
            ThumbSize::List => "list",
            ThumbSize::Detail => "detail",
            ThumbSize::Zoom => "zoom",
        }
    }

    /// Parses a URL name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// What we learn about an uploaded original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    /// MIME type.
    pub mime: &'static str,
    /// File extension for storage keys.
    pub extension: &'static str,
    /// Width in pixels (after EXIF orientation).
    pub width: u32,
    /// Height in pixels (after EXIF orientation).
    pub height: u32,
}

fn reader(bytes: &[u8]) -> Result<ImageReader<Cursor<&[u8]>>, MediaError> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| MediaError::Unsupported(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    Ok(reader)
}

fn format_info(format: Option<ImageFormat>) -> Result<(&'static str, &'static str), MediaError> {
    match format {
        Some(ImageFormat::Jpeg) => Ok(("image/jpeg", "jpg")),
        Some(ImageFormat::Png) => Ok(("image/png", "png")),
        Some(ImageFormat::WebP) => Ok(("image/webp", "webp")),
        Some(ImageFormat::Gif) => Ok(("image/gif", "gif")),
        other => Err(MediaError::Unsupported(format!("format {other:?}"))),
    }
}

/// Validates an upload's header and reports its type and oriented size, without decoding pixels.
pub fn inspect(bytes: &[u8]) -> Result<Original, MediaError> {
    let reader = reader(bytes)?;
    let (mime, extension) = format_info(reader.format())?;
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| MediaError::Unsupported(e.to_string()))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h)?;
    let orientation = decoder
        .orientation()
        .map_err(|e| MediaError::Unsupported(e.to_string()))?;
    let swapped = matches!(
        orientation,
        image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH
    );
    let (width, height) = if swapped { (h, w) } else { (w, h) };
    Ok(Original {
        mime,
        extension,
        width,
        height,
    })
}

/// Refuses sizes past the side or pixel limits before any pixel is decoded.
fn check_size(width: u32, height: u32) -> Result<(), MediaError> {
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(MediaError::TooLarge { width, height });
    }
    Ok(())
}

fn decode_oriented(bytes: &[u8]) -> Result<DynamicImage, MediaError> {
    let mut decoder = reader(bytes)?
        .into_decoder()
        .map_err(|e| MediaError::Unsupported(e.to_string()))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h)?;
    let orientation = decoder
        .orientation()
        .map_err(|e| MediaError::Unsupported(e.to_string()))?;
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| MediaError::Unsupported(e.to_string()))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The size that fits `(w, h)` within `max` on its longest side (never upscaled).
fn fit(w: u32, h: u32, max: u32) -> (u32, u32) {
    if w.max(h) <= max {
        (w, h)
    } else if w >= h {
        let th = (u64::from(h) * u64::from(max)) / u64::from(w);
        (max, u32::try_from(th).unwrap_or(max).max(1))
    } else {
        let tw = (u64::from(w) * u64::from(max)) / u64::from(h);
        (u32::try_from(tw).unwrap_or(max).max(1), max)
    }
}

/// Renders every [`ThumbSize`] of `original` as WebP from a single decode: the largest size is
/// resized from the original, each smaller one from the size above it, so a large original is
/// decoded and held in memory once.
pub fn thumbnails(original: &[u8]) -> Result<Vec<(ThumbSize, Vec<u8>)>, MediaError> {
    let image = decode_oriented(original)?;
    let has_alpha = image.color().has_alpha();
    // `into_*` reuses the decoded buffer when it already has that layout.
    let src = if has_alpha {
        DynamicImage::ImageRgba8(image.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(image.into_rgb8())
    };
    let (w, h) = (src.width().max(1), src.height().max(1));
    let pixel_type = if has_alpha {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let mut resizer = Resizer::new();
    let mut sizes = ThumbSize::ALL;
    sizes.sort_by_key(|s| std::cmp::Reverse(s.max_side()));
    let mut out = Vec::with_capacity(sizes.len());
    let mut previous: Option<Image<'static>> = None;
    for size in sizes {
        let (tw, th) = fit(w, h, size.max_side());
        let mut dst = Image::new(tw, th, pixel_type);
        let resized = match &previous {
            Some(larger) => resizer.resize(larger, &mut dst, &ResizeOptions::new()),
            None => resizer.resize(&src, &mut dst, &ResizeOptions::new()),
        };
        resized.map_err(|e| MediaError::Encode(e.to_string()))?;
        let encoder = if has_alpha {
            webp::Encoder::from_rgba(dst.buffer(), tw, th)
        } else {
            webp::Encoder::from_rgb(dst.buffer(), tw, th)
        };
        out.push((size, encoder.encode(WEBP_QUALITY).to_vec()));
        previous = Some(dst);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Motif, demo_image};

    #[test]
    fn thumbnails_are_webp_and_bounded() {
        let original = demo_image(7, [40, 80, 120], Motif::Shirt, 0);
        let info = inspect(&original).unwrap();
        assert_eq!(info.mime, "image/jpeg");
        let rendered = thumbnails(&original).unwrap();
        assert_eq!(rendered.len(), ThumbSize::ALL.len());
        for (size, thumb) in rendered {
            assert_eq!(&thumb[..4], b"RIFF");
            assert_eq!(&thumb[8..12], b"WEBP");
            let decoded = image::load_from_memory(&thumb).unwrap();
            assert!(decoded.width().max(decoded.height()) <= size.max_side());
            assert!(decoded.width().max(decoded.height()) <= info.width.max(info.height));
        }
    }

    #[test]
    fn rejects_non_images() {
        assert!(inspect(b"<script>alert(1)</script>").is_err());
        assert!(thumbnails(b"GIF89a-truncated").is_err());
    }

    #[test]
    fn size_names_round_trip() {
        for s in ThumbSize::ALL {
            assert_eq!(ThumbSize::from_name(s.name()), Some(s));
        }
        assert_eq!(ThumbSize::from_name("huge"), None);
    }
}
