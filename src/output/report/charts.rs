//! The report's charts as SVG, drawn by `plotters` into a string: no
//! browser, no font files. Without a font feature plotters estimates text
//! widths (about 0.7 em a character) to lay out its axes and writes each
//! label as an SVG `<text>`, which the browser then draws in the page's
//! font; label areas are sized here from the longest label, so the estimate
//! only has to be close.
//!
//! Every bar is one `<rect>` and nothing else is (no background, no
//! legend: the page's legend is HTML), so a chart's bars can be counted.
//! Text reaching plotters is escaped by its SVG backend.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::Error;

/// Drawing width of every chart, in SVG units (it scales to the page).
pub const WIDTH: u32 = 960;
const LABEL_SIZE: u32 = 14;
const BAR_PITCH: u32 = 26;
const FONT: &str = "sans-serif";
const TEXT: RGBColor = RGBColor(0x1f, 0x23, 0x28);
const GRID: RGBColor = RGBColor(0xd8, 0xde, 0xe4);
const AXIS: RGBColor = RGBColor(0x8c, 0x95, 0x9f);
/// Labels longer than this are cut with `…` (the table beneath has them whole).
const MAX_LABEL_CHARS: usize = 32;

/// A colour as `#rrggbb` components.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// The colour halfway to white: an estimate beside billed figures.
    #[must_use]
    pub fn faded(self) -> Self {
        let half = |c: u8| c + (255 - c) / 2;
        Self(half(self.0), half(self.1), half(self.2))
    }

    fn plot(self) -> RGBColor {
        RGBColor(self.0, self.1, self.2)
    }
}

/// One stacked column: a label and its segments, bottom up; negative
/// values (credits) stack below zero.
#[derive(Debug, Clone)]
pub struct Column {
    pub label: String,
    pub segments: Vec<(f64, Rgb)>,
}

/// One horizontal bar.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub colour: Rgb,
}

#[allow(clippy::needless_pass_by_value, reason = "a `map_err` adapter")]
fn drawing<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> Error {
    Error::Io(std::io::Error::other(format!("drawing a chart failed: {e}")))
}

fn short(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL_CHARS {
        label.to_owned()
    } else {
        let cut: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// Room for the longest of `labels` at [`LABEL_SIZE`].
fn label_room(labels: impl Iterator<Item = usize>) -> u32 {
    let longest = u32::try_from(labels.max().unwrap_or(4).min(MAX_LABEL_CHARS)).unwrap_or(32);
    (longest * LABEL_SIZE * 6 / 10 + 16).clamp(48, 260)
}

/// A round upper bound for an axis reaching `max` (1, 1.2, 1.5, 2, 2.5, 3,
/// 4, 5, 6 or 8 × 10ⁿ): the longest bar fills most of the width.
pub fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * magnitude)
}

/// The style of every label.
fn label_style() -> TextStyle<'static> {
    (FONT, LABEL_SIZE).into_font().color(&TEXT)
}

/// Stacked columns, one per label, with a value axis formatted by `axis`.
///
/// Categories sit on a continuous axis, one unit each, and are labelled
/// here at their centres: plotters' discrete axes give a range of `n`
/// values `n + 1` segments, and collapse a single one to nothing.
pub fn stacked_columns(
    columns: &[Column],
    height: u32,
    axis: &dyn Fn(f64) -> String,
) -> Result<String, Error> {
    let up = |c: &Column| c.segments.iter().map(|s| s.0.max(0.0)).sum::<f64>();
    let down = |c: &Column| c.segments.iter().map(|s| s.0.min(0.0)).sum::<f64>();
    let top = nice_ceiling(columns.iter().map(up).fold(0.0, f64::max));
    let lowest = columns.iter().map(down).fold(0.0, f64::min);
    let bottom = if lowest < 0.0 { -nice_ceiling(-lowest) } else { 0.0 };
    let y_room = label_room([axis(top), axis(bottom)].iter().map(|s| s.chars().count()));
    #[allow(clippy::cast_precision_loss)] // a handful of columns
    let n = columns.len().max(1) as f64;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(y_room)
            .build_cartesian_2d(0.0..n, bottom..top)
            .map_err(drawing)?;
        let y_label = |v: &f64| axis(*v);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .x_labels(0)
            .y_labels(6)
            .y_label_formatter(&y_label)
            .label_style(label_style())
            .draw()
            .map_err(drawing)?;
        // A segment too small for a pixel is drawn one pixel high, so that
        // every figure of the table beneath has its visible bar.
        let pixel = one_pixel(&chart, (0.0, bottom), (0.0, top), top - bottom);
        let mut rects = Vec::new();
        for (i, c) in columns.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let x = i as f64;
            let (mut above, mut below) = (0.0, 0.0);
            for &(value, colour) in &c.segments {
                if value == 0.0 {
                    continue;
                }
                let value = if value.abs() < pixel {
                    pixel.copysign(value)
                } else {
                    value
                };
                let (from, to) = if value > 0.0 {
                    above += value;
                    (above - value, above)
                } else {
                    below += value;
                    (below - value, below)
                };
                rects.push(Rectangle::new(
                    [(x + 0.2, from), (x + 0.8, to)],
                    colour.plot().filled(),
                ));
            }
        }
        chart.draw_series(rects).map_err(drawing)?;
        let below_axis = label_style().pos(Pos::new(HPos::Center, VPos::Top));
        for (i, c) in columns.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let (x, y) = chart.backend_coord(&(i as f64 + 0.5, bottom));
            root.draw(&Text::new(short(&c.label), (x, y + 8), below_axis.clone()))
                .map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

/// How much of the value axis one pixel is, from two points `span` apart
/// on it: the least a non-zero bar is drawn.
fn one_pixel<DB: DrawingBackend>(
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    from: (f64, f64),
    to: (f64, f64),
    span: f64,
) -> f64 {
    let (a, b) = (chart.backend_coord(&from), chart.backend_coord(&to));
    let pixels = f64::from((a.0 - b.0).abs().max((a.1 - b.1).abs()).max(1));
    span / pixels
}

/// The height horizontal bars need for `n` bars.
pub fn bars_height(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX / BAR_PITCH).max(1) * BAR_PITCH + 56
}

/// Horizontal bars, the first at the top, on an axis from 0 to `max`
/// (or a round ceiling of the largest bar), formatted by `axis`; each bar's
/// label left of the axis (categories placed as in [`stacked_columns`]).
pub fn horizontal_bars(
    bars: &[Bar],
    max: Option<f64>,
    axis: &dyn Fn(f64) -> String,
) -> Result<String, Error> {
    let top = max.unwrap_or_else(|| nice_ceiling(bars.iter().map(|b| b.value).fold(0.0, f64::max)));
    let labels: Vec<String> = bars.iter().map(|b| short(&b.label)).collect();
    let y_room = label_room(labels.iter().map(|l| l.chars().count()));
    #[allow(clippy::cast_precision_loss)] // bars are counted in tens
    let n = bars.len().max(1) as f64;
    // The first bar in the top slot.
    #[allow(clippy::cast_precision_loss)]
    let slot = |i: usize| n - 1.0 - i as f64;

    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, bars_height(bars.len()))).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(28)
            .x_label_area_size(28)
            .y_label_area_size(y_room)
            .build_cartesian_2d(0.0..top, 0.0..n)
            .map_err(drawing)?;
        let x_label = |v: &f64| axis(*v);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .bold_line_style(GRID)
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS)
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&x_label)
            .label_style(label_style())
            .draw()
            .map_err(drawing)?;
        let pixel = one_pixel(&chart, (0.0, 0.0), (top, 0.0), top);
        let rects = bars
            .iter()
            .enumerate()
            .filter(|(_, b)| b.value > 0.0)
            .map(|(i, b)| {
                Rectangle::new(
                    [(0.0, slot(i) + 0.18), (b.value.clamp(pixel, top), slot(i) + 0.82)],
                    b.colour.plot().filled(),
                )
            });
        chart.draw_series(rects).map_err(drawing)?;
        let left_of_axis = label_style().pos(Pos::new(HPos::Right, VPos::Center));
        for (i, label) in labels.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(0.0, slot(i) + 0.5));
            root.draw(&Text::new(label.clone(), (x - 8, y), left_of_axis.clone()))
                .map_err(drawing)?;
        }
        root.present().map_err(drawing)?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLUE: Rgb = Rgb(0x4e, 0x79, 0xa7);

    fn rects(svg: &str) -> usize {
        svg.matches("<rect").count()
    }

    #[test]
    fn every_non_zero_segment_is_one_rect_and_nothing_else_is() {
        let columns = vec![
            Column {
                label: "Oct 2026".into(),
                segments: vec![(10.0, BLUE), (0.0, BLUE), (-3.0, BLUE)],
            },
            Column {
                label: "Nov 2026".into(),
                segments: vec![(5.0, BLUE), (2.5, BLUE)],
            },
        ];
        let svg = stacked_columns(&columns, 300, &|v| format!("${v}")).unwrap();
        assert_eq!(rects(&svg), 4);
        assert!(svg.contains("Nov 2026"));
        let bars = vec![
            Bar {
                label: "Search".into(),
                value: 3.0,
                colour: BLUE,
            },
            Bar {
                label: "Legal".into(),
                value: 0.0,
                colour: BLUE,
            },
        ];
        let svg = horizontal_bars(&bars, None, &|v| v.to_string()).unwrap();
        assert_eq!(rects(&svg), 1);
        assert!(
            svg.contains(">\nSearch\n<") && svg.contains(">\nLegal\n<"),
            "{svg}"
        );
    }

    /// The `width` and `height` of each `<rect>`.
    fn sizes(svg: &str) -> Vec<(u32, u32)> {
        let attr = |rect: &str, name: &str| -> u32 {
            let at = rect.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
            rect[at..at + rect[at..].find('"').unwrap()].parse().unwrap()
        };
        svg.split("<rect")
            .skip(1)
            .map(|r| (attr(r, "width"), attr(r, "height")))
            .collect()
    }

    #[test]
    fn a_single_column_or_bar_fills_its_slot() {
        let one = [Column {
            label: "Nov 2026".into(),
            segments: vec![(4.0, BLUE)],
        }];
        let svg = stacked_columns(&one, 300, &|v| v.to_string()).unwrap();
        let [(w, h)] = sizes(&svg)[..] else {
            panic!("{svg}")
        };
        assert!(w > 400 && h > 150, "{w} × {h}");
        let bar = [Bar {
            label: "Search".into(),
            value: 4.0,
            colour: BLUE,
        }];
        let svg = horizontal_bars(&bar, None, &|v| v.to_string()).unwrap();
        let [(w, h)] = sizes(&svg)[..] else {
            panic!("{svg}")
        };
        assert!(w > 600 && h > 10, "{w} × {h}");
    }

    #[test]
    fn a_figure_too_small_for_a_pixel_still_has_a_visible_bar() {
        let columns = [Column {
            label: "Nov 2026".into(),
            segments: vec![(1000.0, BLUE), (0.001, BLUE), (-0.001, BLUE)],
        }];
        let svg = stacked_columns(&columns, 300, &|v| v.to_string()).unwrap();
        assert!(sizes(&svg).iter().all(|(w, h)| *w > 0 && *h > 0), "{svg}");
        let bars = [
            Bar {
                label: "big".into(),
                value: 1000.0,
                colour: BLUE,
            },
            Bar {
                label: "tiny".into(),
                value: 0.001,
                colour: BLUE,
            },
        ];
        let svg = horizontal_bars(&bars, None, &|v| v.to_string()).unwrap();
        assert_eq!(sizes(&svg).len(), 2);
        assert!(sizes(&svg).iter().all(|(w, h)| *w > 0 && *h > 0), "{svg}");
    }

    #[test]
    fn labels_are_escaped_and_long_ones_cut() {
        let bars = vec![Bar {
            label: "<b>R&D</b> \"quoted\" and a name far longer than the room".into(),
            value: 1.0,
            colour: BLUE,
        }];
        let svg = horizontal_bars(&bars, Some(1.0), &|v| v.to_string()).unwrap();
        assert!(!svg.contains("<b>"), "{svg}");
        assert!(
            svg.contains("&lt;b&gt;R&amp;D&lt;/b&gt; &quot;quoted&quot;"),
            "{svg}"
        );
        assert!(svg.contains('…'));
    }

    #[test]
    fn axes_end_on_round_numbers() {
        assert!((nice_ceiling(0.0) - 1.0).abs() < f64::EPSILON);
        assert!((nice_ceiling(7.3) - 8.0).abs() < 1e-9);
        assert!((nice_ceiling(180.0) - 200.0).abs() < 1e-9);
        assert!((nice_ceiling(10_984.0) - 12_000.0).abs() < 1e-9);
        assert!((nice_ceiling(2.2) - 2.5).abs() < 1e-9);
        assert!((nice_ceiling(1000.0) - 1000.0).abs() < 1e-9);
    }
}
