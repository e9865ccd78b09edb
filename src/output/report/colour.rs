//! One colour per department, the same in every chart and legend of a
//! report: a qualitative palette in the order [`Report::departments`] gives,
//! then evenly spread hues when there are more departments than colours;
//! untagged spend and traffic are always grey.
//!
//! [`Report::departments`]: crate::domain::report::Report::departments

use super::charts::Rgb;

/// Tableau 10 without its grey, which is kept for untagged.
const PALETTE: [Rgb; 9] = [
    Rgb(0x4e, 0x79, 0xa7),
    Rgb(0xf2, 0x8e, 0x2b),
    Rgb(0x59, 0xa1, 0x4f),
    Rgb(0xe1, 0x57, 0x59),
    Rgb(0x76, 0xb7, 0xb2),
    Rgb(0xed, 0xc9, 0x48),
    Rgb(0xb0, 0x7a, 0xa1),
    Rgb(0xff, 0x9d, 0xa7),
    Rgb(0x9c, 0x75, 0x5f),
];
pub const UNTAGGED: Rgb = Rgb(0x9a, 0xa0, 0xa6);

/// The colours of a report's departments.
#[derive(Debug, Clone)]
pub struct Colours {
    departments: Vec<String>,
}

impl Colours {
    pub fn new(departments: Vec<String>) -> Self {
        Self { departments }
    }

    /// The colour of a tag value (`None`: untagged). A value the report did
    /// not list gets the next free colour (cannot happen with a whole report).
    pub fn of(&self, value: Option<&str>) -> Rgb {
        let Some(value) = value else {
            return UNTAGGED;
        };
        let i = self
            .departments
            .iter()
            .position(|d| d == value)
            .unwrap_or(self.departments.len());
        PALETTE
            .get(i)
            .copied()
            .unwrap_or_else(|| spread(i - PALETTE.len()))
    }
}

/// The `n`th colour past the palette: hues a golden angle apart, at the
/// palette's saturation and lightness.
fn spread(n: usize) -> Rgb {
    #[allow(clippy::cast_precision_loss)] // n is a department count
    let hue = (n as f64 * 137.508 + 15.0) % 360.0;
    hsl(hue, 0.5, 0.55)
}

/// The usual HSL to RGB conversion (hue in degrees, the rest in 0..=1).
fn hsl(hue: f64, saturation: f64, lightness: f64) -> Rgb {
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let second = chroma * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let base = lightness - chroma / 2.0;
    let (red, green, blue) = match hue {
        h if h < 60.0 => (chroma, second, 0.0),
        h if h < 120.0 => (second, chroma, 0.0),
        h if h < 180.0 => (0.0, chroma, second),
        h if h < 240.0 => (0.0, second, chroma),
        h if h < 300.0 => (second, 0.0, chroma),
        _ => (chroma, 0.0, second),
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // in 0..=255 by construction
    let byte = |v: f64| ((v + base) * 255.0).round().clamp(0.0, 255.0) as u8;
    Rgb(byte(red), byte(green), byte(blue))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_department_keeps_its_colour_and_untagged_is_grey() {
        let names: Vec<String> = (0..40).map(|i| format!("Dept{i:03}")).collect();
        let c = Colours::new(names.clone());
        assert_eq!(c.of(Some("Dept000")), PALETTE[0]);
        assert_eq!(c.of(None), UNTAGGED);
        let all: std::collections::BTreeSet<String> = names.iter().map(|n| c.of(Some(n)).hex()).collect();
        assert_eq!(all.len(), 40, "40 departments, 40 colours");
        assert!(!all.contains(&UNTAGGED.hex()));
    }
}
