//! aipctl's tables: no borders, upper-case headers, and on a terminal a fit
//! to its width. A table too wide is narrowed column by column, the widest
//! first, and a cell that no longer fits is elided with `…`: in the middle
//! for identifiers (ARNs, model IDs, where both ends matter), at the end
//! otherwise. Words are never broken across lines. Piped output keeps every
//! column whole, so scripts and snapshots see the same text.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

/// The narrowest a column is squeezed to before the table is left wider
/// than the terminal.
const MIN_COLUMN: usize = 6;
/// comfy-table pads each cell with one space on either side.
const PADDING: usize = 2;

/// A table with aipctl's look.
pub fn new_table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING);
    t.set_header(header.iter().map(|h| h.to_uppercase()));
    t
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// `text` cut to `width` characters with `…`.
pub fn elide(text: &str, width: usize) -> String {
    let n = chars(text);
    if n <= width {
        return text.to_owned();
    }
    if width <= 1 {
        return "…".to_owned();
    }
    let identifier = !text.contains(' ') && (text.contains(':') || text.contains('/') || text.contains('.'));
    if identifier && width >= 8 {
        let tail = (width - 1) / 2;
        let head = width - 1 - tail;
        let start: String = text.chars().take(head).collect();
        let end: String = text.chars().skip(n - tail).collect();
        format!("{start}…{end}")
    } else {
        let start: String = text.chars().take(width - 1).collect();
        format!("{start}…")
    }
}

/// Column widths that fit `max` (the widest column shrinks first), or the
/// natural widths when they fit already.
pub fn fit_widths(natural: &[usize], max: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    let total = |w: &[usize]| w.iter().map(|c| c + PADDING).sum::<usize>();
    while total(&widths) > max {
        let Some((i, &widest)) = widths.iter().enumerate().max_by_key(|(_, w)| **w) else {
            break;
        };
        if widest <= MIN_COLUMN {
            break;
        }
        widths[i] = widest - 1;
    }
    widths
}

/// The table as text: fitted to `width` when given (a terminal), trailing
/// spaces trimmed.
pub fn finish(table: Table, width: Option<usize>) -> String {
    let table = match width {
        Some(w) => fit(&table, w),
        None => table,
    };
    let mut table = table;
    table.set_content_arrangement(ContentArrangement::Disabled);
    table.force_no_tty();
    table
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_start_matches('\n')
        .to_owned()
}

/// A copy of `table` whose cells are elided to fit `max` columns.
fn fit(table: &Table, max: usize) -> Table {
    let header: Vec<String> = table
        .header()
        .map(|h| h.cell_iter().map(Cell::content).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = table
        .row_iter()
        .map(|r| r.cell_iter().map(Cell::content).collect())
        .collect();
    let columns = rows.iter().map(Vec::len).chain([header.len()]).max().unwrap_or(0);
    let mut natural = vec![0; columns];
    for row in rows.iter().chain(std::iter::once(&header)) {
        for (i, cell) in row.iter().enumerate() {
            let longest = cell.lines().map(chars).max().unwrap_or(0);
            natural[i] = natural[i].max(longest);
        }
    }
    let widths = fit_widths(&natural, max);
    if widths == natural {
        return table.clone();
    }
    let cut = |row: &[String]| -> Vec<String> {
        row.iter()
            .enumerate()
            .map(|(i, cell)| {
                cell.lines()
                    .map(|line| elide(line, widths[i]))
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect()
    };
    let mut out = Table::new();
    out.load_preset(presets::NOTHING);
    if !header.is_empty() {
        out.set_header(cut(&header));
    }
    for row in &rows {
        out.add_row(cut(row));
    }
    // The views right-align their number columns; comfy-table does not say
    // which, so a column of numbers (amounts, counts, percentages) is
    // right-aligned again here.
    for i in 0..columns {
        let numeric = rows
            .iter()
            .filter_map(|r| r.get(i))
            .filter(|c| !c.is_empty() && *c != "-");
        let mut any = false;
        let all = numeric.inspect(|_| any = true).all(|c| looks_numeric(c));
        if any
            && all
            && let Some(column) = out.column_mut(i)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    out
}

fn looks_numeric(cell: &str) -> bool {
    cell.chars().any(|c| c.is_ascii_digit())
        && cell.chars().all(|c| c.is_ascii_digit() || ",.$%-+ ".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_elided_in_the_middle_and_words_at_the_end() {
        let arn = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/p24qm5pye2qr";
        let e = elide(arn, 30);
        assert_eq!(chars(&e), 30);
        assert!(
            e.starts_with("arn:aws:bedrock") && e.ends_with("p24qm5pye2qr"),
            "{e}"
        );
        assert_eq!(elide("Customer Support", 9), "Customer…");
        assert_eq!(elide("short", 9), "short");
    }

    #[test]
    fn the_widest_column_gives_way_first() {
        assert_eq!(fit_widths(&[10, 40, 8], 100), [10, 40, 8], "fits already");
        let w = fit_widths(&[10, 40, 8], 40);
        assert_eq!(w.iter().map(|c| c + PADDING).sum::<usize>(), 40);
        assert_eq!(w, [10, 16, 8]);
        assert_eq!(
            fit_widths(&[30, 30], 10),
            [MIN_COLUMN, MIN_COLUMN],
            "never below the minimum"
        );
    }

    #[test]
    fn a_fitted_table_is_never_wider_than_the_terminal_and_breaks_no_word() {
        let mut t = new_table(&["name", "model", "department"]);
        t.add_row(vec![
            "platform-gateway-haiku",
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            "Customer Support",
        ]);
        let text = finish(t.clone(), Some(50));
        assert!(text.lines().all(|l| chars(l) <= 50), "{text}");
        assert_eq!(text.lines().count(), 2, "one line a row: {text}");
        assert!(finish(t, None).contains("anthropic.claude-haiku-4-5-20251001-v1:0"));
    }
}
