//! Product pictures for the demo catalog, drawn locally (the demo never touches the network).

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

/// Side of a generated picture in pixels.
const SIDE: u32 = 1000;

/// The silhouette drawn on a demo picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motif {
    /// A T-shirt.
    Shirt,
    /// A dress.
    Dress,
    /// Trousers.
    Pants,
    /// A shoe.
    Shoe,
    /// A bag.
    Bag,
    /// A bottle.
    Bottle,
    /// A jar.
    Jar,
    /// A box.
    Box,
    /// A round fruit.
    Fruit,
    /// A phone-like device.
    Device,
    /// A ball.
    Ball,
    /// A cup.
    Cup,
}

impl Motif {
    /// Parses the demo data's motif names; unknown names draw a box.
    pub fn from_name(name: &str) -> Self {
        match name {
            "shirt" => Motif::Shirt,
            "dress" => Motif::Dress,
            "pants" => Motif::Pants,
            "shoe" => Motif::Shoe,
            "bag" => Motif::Bag,
            "bottle" => Motif::Bottle,
            "jar" => Motif::Jar,
            "fruit" => Motif::Fruit,
            "device" => Motif::Device,
            "ball" => Motif::Ball,
            "cup" => Motif::Cup,
            _ => Motif::Box,
        }
    }
}

/// A shape in unit coordinates (0..1 of the canvas).
enum Shape {
    Rect(f32, f32, f32, f32),
    Ellipse(f32, f32, f32, f32),
    /// Trapezoid: top y, bottom y, top half-width, bottom half-width, centre x.
    Trapezoid(f32, f32, f32, f32, f32),
}

impl Shape {
    fn contains(&self, x: f32, y: f32) -> bool {
        match *self {
            Shape::Rect(x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1,
            Shape::Ellipse(cx, cy, rx, ry) => {
                let dx = (x - cx) / rx;
                let dy = (y - cy) / ry;
                dx * dx + dy * dy <= 1.0
            }
            Shape::Trapezoid(top, bottom, top_half, bottom_half, cx) => {
                if y < top || y > bottom {
                    return false;
                }
                let t = (y - top) / (bottom - top);
                let half = top_half + (bottom_half - top_half) * t;
                (x - cx).abs() <= half
            }
        }
    }
}

fn shapes(motif: Motif) -> Vec<Shape> {
    use Shape::*;
    match motif {
        Motif::Shirt => vec![
            Rect(0.33, 0.30, 0.67, 0.78),
            Trapezoid(0.30, 0.45, 0.17, 0.27, 0.5),
            Ellipse(0.5, 0.30, 0.07, 0.03),
        ],
        Motif::Dress => vec![
            Trapezoid(0.22, 0.82, 0.09, 0.27, 0.5),
            Rect(0.42, 0.18, 0.58, 0.3),
        ],
        Motif::Pants => vec![
            Rect(0.34, 0.2, 0.66, 0.32),
            Trapezoid(0.3, 0.82, 0.075, 0.085, 0.415),
            Trapezoid(0.3, 0.82, 0.075, 0.085, 0.585),
        ],
        Motif::Shoe => vec![Ellipse(0.52, 0.62, 0.28, 0.1), Rect(0.25, 0.42, 0.5, 0.62)],
        Motif::Bag => vec![Rect(0.28, 0.38, 0.72, 0.78), Ellipse(0.5, 0.38, 0.13, 0.12)],
        Motif::Bottle => vec![Rect(0.38, 0.35, 0.62, 0.82), Rect(0.45, 0.2, 0.55, 0.36)],
        Motif::Jar => vec![Rect(0.32, 0.4, 0.68, 0.78), Rect(0.35, 0.32, 0.65, 0.41)],
        Motif::Box => vec![Rect(0.28, 0.32, 0.72, 0.76)],
        Motif::Fruit => vec![
            Ellipse(0.5, 0.56, 0.24, 0.22),
            Ellipse(0.56, 0.32, 0.06, 0.03),
        ],
        Motif::Device => vec![Rect(0.37, 0.2, 0.63, 0.8)],
        Motif::Ball => vec![Ellipse(0.5, 0.52, 0.25, 0.25)],
        Motif::Cup => vec![
            Trapezoid(0.35, 0.75, 0.17, 0.13, 0.48),
            Ellipse(0.68, 0.52, 0.06, 0.09),
        ],
    }
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> [u8; 3] {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t).round() as u8)
}

/// Draws a product picture: a soft background tinted from `color`, the motif in `color` with a
/// light shading, shifted a little by `variant` (so a product's gallery pictures differ), JPEG.
/// `seed` only varies the background tint between products.
pub fn demo_image(seed: u64, color: [u8; 3], motif: Motif, variant: u32) -> Vec<u8> {
    let background = mix(color, [250, 248, 245], 0.88 - (seed % 5) as f32 * 0.01);
    let background_low = mix(background, [225, 222, 218], 0.5);
    let shade = mix(color, [0, 0, 0], 0.25);
    let shapes = shapes(motif);
    let zoom = 1.0 + variant as f32 * 0.12;
    let offset = variant as f32 * 0.03;
    let image = RgbImage::from_fn(SIDE, SIDE, |px, py| {
        let u = px as f32 / SIDE as f32;
        let v = py as f32 / SIDE as f32;
        // Undo the variant's zoom around the centre to sample the motif.
        let x = (u - 0.5 - offset) / zoom + 0.5;
        let y = (v - 0.5) / zoom + 0.5;
        if shapes.iter().any(|s| s.contains(x, y)) {
            Rgb(mix(color, shade, (x - 0.3).max(0.0) * 0.8))
        } else if shapes.iter().any(|s| s.contains(x - 0.015, y - 0.02)) {
            // A soft drop shadow to the lower right.
            Rgb(mix(background, [150, 150, 150], 0.25))
        } else {
            Rgb(mix(background, background_low, v * 0.8))
        }
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("encoding an in-memory RGB image as JPEG cannot fail");
    out
}

/// Draws a wide home banner (1600×640): a diagonal two-tone band in `color` with soft circles.
pub fn demo_banner(color: [u8; 3], variant: u32) -> Vec<u8> {
    const W: u32 = 1600;
    const H: u32 = 640;
    let light = mix(color, [255, 255, 255], 0.55);
    let deep = mix(color, [20, 20, 30], 0.35);
    let circle_x = 0.62 + (variant % 3) as f32 * 0.08;
    let image = RgbImage::from_fn(W, H, |px, py| {
        let u = px as f32 / W as f32;
        let v = py as f32 / H as f32;
        let band = u * 0.9 + v * 0.35;
        let mut c = mix(light, color, band.clamp(0.0, 1.0));
        let dx = (u - circle_x) * 2.5;
        let dy = v - 0.5;
        if dx * dx + dy * dy < 0.09 {
            c = mix(c, deep, 0.35);
        }
        let dx2 = (u - circle_x - 0.16) * 2.5;
        let dy2 = v - 0.28;
        if dx2 * dx2 + dy2 * dy2 < 0.02 {
            c = mix(c, [255, 255, 255], 0.45);
        }
        Rgb(c)
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&image)
        .expect("encoding an in-memory RGB image as JPEG cannot fail");
    out
}

/// Parses `#rrggbb` (falls back to a neutral grey).
pub fn parse_hex_color(hex: &str) -> [u8; 3] {
    let h = hex.trim_start_matches('#');
    if h.len() != 6 {
        return [128, 128, 128];
    }
    let channel = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(128);
    [channel(0), channel(2), channel(4)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_differ_by_variant_and_are_deterministic() {
        let a = demo_image(1, [200, 50, 50], Motif::Bag, 0);
        let b = demo_image(1, [200, 50, 50], Motif::Bag, 1);
        assert_ne!(a, b);
        assert_eq!(a, demo_image(1, [200, 50, 50], Motif::Bag, 0));
        assert_eq!(&a[..2], &[0xFF, 0xD8]);
    }

    #[test]
    fn parses_colors() {
        assert_eq!(parse_hex_color("#ff8000"), [255, 128, 0]);
        assert_eq!(parse_hex_color("nope"), [128, 128, 128]);
        assert_eq!(&demo_banner([10, 20, 30], 0)[..2], &[0xFF, 0xD8]);
    }
}
