//! Thumbnails of pictures uploaded over REST (the app draws its own before it uploads): the
//! picture decoded within limits, scaled to [`shared::files::THUMB_EDGE`] on its longer edge,
//! laid on white (a JPEG has no transparency) and saved as a JPEG. CPU work: callers run it on
//! a blocking thread.

use std::io::Cursor;

use image::{DynamicImage, ImageError, ImageReader, Limits, Rgb, RgbImage};
use shared::files::thumb_size;

/// Largest picture decoded for a thumbnail, per side, and the memory its decoding may take: a
/// small file that claims to be a huge picture is not unpacked.
const MAX_SIDE: u32 = 16_384;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

/// What became of a picture.
#[derive(Debug)]
pub enum Thumb {
    /// Its thumbnail, a JPEG.
    Made(Vec<u8>),
    /// A picture too large to decode here: kept without a thumbnail.
    TooLarge,
    /// Not a picture these bytes' type can hold (a broken or disguised file).
    NotAPicture,
}

/// The thumbnail of the picture `bytes`.
pub fn thumbnail(bytes: &[u8]) -> Thumb {
    match decode(bytes) {
        Ok(picture) => match jpeg(&on_white(&picture)) {
            Some(made) => Thumb::Made(made),
            None => Thumb::NotAPicture,
        },
        Err(ImageError::Limits(_)) => Thumb::TooLarge,
        Err(_) => Thumb::NotAPicture,
    }
}

fn decode(bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let picture = reader.decode()?;
    let (width, height) = thumb_size(picture.width(), picture.height());
    Ok(picture.thumbnail_exact(width, height))
}

/// The picture laid on white: what is transparent shows as paper.
fn on_white(picture: &DynamicImage) -> RgbImage {
    let rgba = picture.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| {
            let c = u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a));
            u8::try_from(c / 255).unwrap_or(u8::MAX)
        };
        Rgb([over(r), over(g), over(b)])
    })
}

fn jpeg(picture: &RgbImage) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(picture)
        .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbaImage};

    fn png(width: u32, height: u32, pixel: [u8; 4]) -> Vec<u8> {
        let picture = RgbaImage::from_pixel(width, height, image::Rgba(pixel));
        let mut out = Cursor::new(Vec::new());
        picture
            .write_to(&mut out, ImageFormat::Png)
            .expect("a PNG written");
        out.into_inner()
    }

    fn size_of(jpeg: &[u8]) -> (u32, u32) {
        let picture = image::load_from_memory(jpeg).expect("a picture");
        (picture.width(), picture.height())
    }

    #[test]
    fn a_picture_becomes_a_jpeg_at_most_the_thumbnails_edge() {
        let Thumb::Made(made) = thumbnail(&png(1000, 500, [200, 10, 10, 255])) else {
            panic!("no thumbnail");
        };
        assert!(made.starts_with(&[0xFF, 0xD8, 0xFF]));
        assert_eq!(size_of(&made), (320, 160));
        // A small one keeps its size.
        let Thumb::Made(small) = thumbnail(&png(40, 30, [0, 0, 0, 255])) else {
            panic!("no thumbnail");
        };
        assert_eq!(size_of(&small), (40, 30));
    }

    #[test]
    fn transparency_shows_white() {
        let Thumb::Made(made) = thumbnail(&png(8, 8, [0, 0, 0, 0])) else {
            panic!("no thumbnail");
        };
        let picture = image::load_from_memory(&made).expect("a picture").to_rgb8();
        let [r, g, b] = picture.get_pixel(4, 4).0;
        assert!(r > 240 && g > 240 && b > 240, "{r} {g} {b}");
    }

    #[test]
    fn broken_and_huge_pictures_are_told_apart() {
        let mut broken = png(10, 10, [1, 2, 3, 255]);
        broken.truncate(40);
        assert!(matches!(thumbnail(&broken), Thumb::NotAPicture));
        assert!(matches!(
            thumbnail(b"\xFF\xD8\xFF\xE0 not really a jpeg"),
            Thumb::NotAPicture
        ));
        // A PNG whose (well-formed) header claims 100,000 × 100,000 pixels.
        let mut huge = png(1, 1, [0, 0, 0, 255]);
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let sum = crc32(&huge[12..29]);
        huge[29..33].copy_from_slice(&sum.to_be_bytes());
        assert!(matches!(thumbnail(&huge), Thumb::TooLarge));
    }

    /// A PNG chunk's checksum (CRC-32, as in zip).
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for byte in bytes {
            crc ^= u32::from(*byte);
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
}
