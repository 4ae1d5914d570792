//! Uploaded files, as the device and the server both judge them: which bytes are an image,
//! how large a file may be, how large a thumbnail is drawn.

/// Largest file taken by default (the server's `--max-upload-mb` may say otherwise; the device
/// refuses past this before it keeps anything).
pub const MAX_UPLOAD_BYTES: u64 = 20 * 1024 * 1024;

/// The longer edge of an image's thumbnail, in pixels.
pub const THUMB_EDGE: u32 = 320;

/// Bytes an image type is told by (the longest signature below).
pub const SNIFF_BYTES: usize = 12;

/// The image type `bytes` begin like, if any (PNG, JPEG, GIF, WebP; an SVG is not taken as an
/// image: it may carry script).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= SNIFF_BYTES && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// The size of a thumbnail of a `width` × `height` image: the longer edge at most
/// [`THUMB_EDGE`], the shape kept, never larger than the image, never zero.
pub fn thumb_size(width: u32, height: u32) -> (u32, u32) {
    let longer = width.max(height).max(1);
    if longer <= THUMB_EDGE {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        let scaled = u64::from(side) * u64::from(THUMB_EDGE) / u64::from(longer);
        u32::try_from(scaled).unwrap_or(THUMB_EDGE).max(1)
    };
    (scale(width), scale(height))
}

/// A size as a person reads it: `812 B`, `34 KB`, `2.5 MB`.
pub fn size_text(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * 1024;
    if bytes < KB {
        format!("{bytes} B")
    } else if bytes < MB {
        format!("{} KB", bytes.div_ceil(KB))
    } else {
        let tenths = (bytes * 10).div_ceil(MB);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_told_by_their_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff_image(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff_image(b"GIF89a...."), Some("image/gif"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff_image(b"RIFF\0\0\0\0WEB"), None);
        assert_eq!(sniff_image(b"<svg onload=alert(1)>"), None);
        assert_eq!(sniff_image(b"%PDF-1.7"), None);
        assert_eq!(sniff_image(b""), None);
    }

    #[test]
    fn thumbnails_keep_the_shape_and_never_grow() {
        assert_eq!(thumb_size(4000, 3000), (320, 240));
        assert_eq!(thumb_size(1000, 4000), (80, 320));
        assert_eq!(thumb_size(200, 100), (200, 100));
        assert_eq!(thumb_size(10_000, 1), (320, 1));
        assert_eq!(thumb_size(0, 0), (1, 1));
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size_text(812), "812 B");
        assert_eq!(size_text(34 * 1024 - 5), "34 KB");
        assert_eq!(size_text(5 * 1024 * 1024 / 2), "2.5 MB");
        assert_eq!(size_text(MAX_UPLOAD_BYTES), "20.0 MB");
    }
}
