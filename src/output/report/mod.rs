//! The HTML report: one self-contained page (inline CSS and SVG, no script,
//! nothing fetched), made from a [`Report`]'s figures.
//!
//! The page comes from a compile-time checked template (`page.html`,
//! askama), which escapes every value it prints: tag values, names and
//! messages from AWS reach the page only through it, or through the chart
//! labels plotters escapes. Each section is a chart (SVG, [`charts`]) with
//! an HTML legend, and a plain table beneath it with exact decimals; a
//! section without figures says why in one sentence. Colours follow the
//! department, the same in every chart ([`colour`]).

pub mod charts;
mod colour;
pub mod file;
mod format;
mod money;
mod sections;
pub mod summary;

use askama::Template;
use rust_decimal::Decimal;

use crate::domain::report::Report;
use crate::error::Error;
use colour::Colours;

/// The page.
#[derive(Template)]
#[template(path = "page.html")]
struct Page {
    title: String,
    /// `account 123456789012`, or `4 accounts`.
    scope: String,
    header: HeaderView,
    sections: Vec<SectionView>,
}

struct HeaderView {
    account: String,
    /// Across accounts: how many, and their labels.
    accounts: Option<(usize, String)>,
    regions: String,
    /// What could not be read, and what to call it.
    not_read: Option<(&'static str, String)>,
    tag_key: String,
    window: String,
    cost_range: String,
    generated_at: String,
    profiles: String,
    paid: String,
}

/// One section: its figures, or the sentence that stands in for them.
pub(crate) struct SectionView {
    id: &'static str,
    title: String,
    body: Option<Body>,
    /// Why there are no figures: no command provides them yet, or nothing to show.
    absent: Option<Rich>,
    /// The AWS failure that kept the figures out.
    failed: Option<String>,
}

impl SectionView {
    fn new(id: &'static str, title: &str) -> Self {
        Self {
            id,
            title: title.to_owned(),
            body: None,
            absent: None,
            failed: None,
        }
    }

    fn absent(mut self, sentence: &str) -> Self {
        self.absent = Some(rich(sentence));
        self
    }

    fn failed(mut self, message: String) -> Self {
        self.failed = Some(message);
        self
    }

    fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }
}

#[derive(Default)]
pub(crate) struct Body {
    intro: Vec<Rich>,
    facts: Vec<Fact>,
    figures: Vec<Figure>,
    tables: Vec<Table>,
    notes: Vec<Rich>,
}

impl Body {
    fn intro(&mut self, text: &str) {
        self.intro.push(rich(text));
    }

    fn note(&mut self, text: &str) {
        self.notes.push(rich(text));
    }
}

/// A sentence whose `backticked` parts are code (commands, tag keys).
pub(crate) type Rich = Vec<Piece>;

pub(crate) struct Piece {
    text: String,
    code: bool,
}

fn rich(text: &str) -> Rich {
    text.split('`')
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| Piece {
            text: t.to_owned(),
            code: i % 2 == 1,
        })
        .collect()
}

/// A headline figure: `Total spend` `$1,234.56`.
pub(crate) struct Fact {
    label: String,
    value: String,
}

fn fact(label: &str, value: String) -> Fact {
    Fact {
        label: label.to_owned(),
        value,
    }
}

pub(crate) struct Figure {
    id: String,
    caption: String,
    svg: String,
    legend: Vec<LegendItem>,
}

pub(crate) struct LegendItem {
    name: String,
    colour: String,
}

pub(crate) struct Table {
    id: String,
    caption: String,
    head: Vec<Cell>,
    rows: Vec<Vec<Cell>>,
    foot: Vec<Vec<Cell>>,
}

/// A table cell: its text, CSS classes (`num` right-aligns figures), an
/// optional colour swatch (the department's) and, for an amount shown to
/// the cent, its exact decimal when the cents hide digits.
pub(crate) struct Cell {
    text: String,
    class: &'static str,
    swatch: Option<String>,
    exact: Option<String>,
}

impl Cell {
    fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            class: "",
            swatch: None,
            exact: None,
        }
    }

    fn num(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            class: "num",
            swatch: None,
            exact: None,
        }
    }

    /// An amount to the cent (`< 0.01` when it is not zero but rounds to
    /// it), the exact decimal kept in `data-exact` and shown on hover when
    /// the cents hide digits: exact figures of 10 to 20 decimals, seven to
    /// a row, do not fit a page.
    fn money(d: Decimal) -> Self {
        let (text, exact) = format::cents(d);
        Self {
            exact,
            ..Self::num(text)
        }
    }

    fn class(mut self, class: &'static str) -> Self {
        self.class = class;
        self
    }

    fn swatch(mut self, colour: charts::Rgb) -> Self {
        self.swatch = Some(colour.hex());
        self
    }
}

/// `(untagged)` for `None`, the way `cost` and `usage` name it.
fn name(value: Option<&String>) -> String {
    value.cloned().unwrap_or_else(|| "(untagged)".to_owned())
}

/// The whole page for `report`.
pub fn html(report: &Report) -> Result<String, Error> {
    let colours = Colours::new(report.departments());
    let h = &report.header;
    let multi = !h.accounts.is_empty();
    let header = HeaderView {
        account: h.account.clone(),
        accounts: multi.then(|| (h.accounts.len(), h.accounts.join(", "))),
        regions: h.regions.join(", "),
        not_read: (!h.not_read.is_empty()).then(|| {
            let what = if multi {
                "Accounts or regions not read"
            } else {
                "Regions not read"
            };
            (what, h.not_read.join(", "))
        }),
        tag_key: h.tag_key.clone(),
        window: h.window.to_string(),
        cost_range: format!(
            "{} → {} (UTC days, whole months)",
            h.cost_range.start,
            h.cost_range.last_day()
        ),
        generated_at: format::instant(h.generated_at),
        profiles: h.profiles.to_string(),
        paid: sections::paid(&h.paid),
    };
    let sections = vec![
        money::spend(report, &colours)?,
        money::estimated(report, &colours)?,
        sections::usage(report, &colours)?,
        sections::coverage(report)?,
        money::budgets(report, &colours)?,
        sections::idle(report, &colours)?,
    ];
    let scope = if multi {
        crate::output::plural(h.accounts.len(), "account")
    } else {
        format!("account {}", h.account)
    };
    let page = Page {
        title: format!("Bedrock spend and usage by {} · {scope}", h.tag_key),
        scope,
        header,
        sections,
    };
    page.render()
        .map_err(|e| Error::Io(std::io::Error::other(format!("rendering the report failed: {e}"))))
}

#[cfg(test)]
mod tests;
