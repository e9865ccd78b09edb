//! aipctl's tables: no borders, upper-case headers, and on a terminal a fit
//! to its width. A table too wide is narrowed column by column, the widest
//! first, and a cell that no longer fits is elided with `…`: in the middle
//! for identifiers (ARNs, model IDs, where both ends matter), at the end
//! otherwise. Words are never broken across lines. Piped output keeps every
//! column whole, so scripts and snapshots see the same text.

use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets};

/// The narrowest a column is squeezed to before the table is left wider
/// than the terminal.
const MIN_COLUMN: usize = 12;
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

/// `text` in lines of at most `width` characters, broken only after a
/// space or a comma (`us-east-1,us-west-2`); a part still too long is elided.
pub fn wrap(text: &str, width: usize) -> String {
    if chars(text) <= width {
        return text.to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        current.push(c);
        if c == ' ' || c == ',' {
            parts.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for part in parts {
        // The line keeps its trailing space: it is there between the words.
        if !line.is_empty() && chars(&line) + chars(part.trim_end()) > width {
            lines.push(line.trim_end().to_owned());
            line.clear();
        }
        line.push_str(&part);
    }
    if !line.trim().is_empty() {
        lines.push(line.trim_end().to_owned());
    }
    lines
        .iter()
        .map(|l| elide(l, width))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Column widths that fit `max` columns of terminal. Each stage is a set of
/// lower limits the widest column gives way to first: its longest word (it
/// wraps and loses nothing), then a floor (cells are elided), then its
/// header. Natural widths when they fit already.
pub fn fit_widths(natural: &[usize], stages: &[&[usize]], max: usize) -> Vec<usize> {
    let mut widths = natural.to_vec();
    for limits in stages {
        while total(&widths) > max {
            let widest = (0..widths.len())
                .filter(|&i| widths[i] > limits[i].min(natural[i]))
                .max_by_key(|&i| (widths[i], std::cmp::Reverse(i)));
            let Some(i) = widest else { break };
            widths[i] -= 1;
        }
    }
    widths
}

fn total(widths: &[usize]) -> usize {
    widths.iter().map(|c| c + PADDING).sum()
}

/// The table as text: fitted to `width` when given (a terminal), trailing
/// spaces trimmed.
pub fn finish(table: Table, width: Option<usize>) -> String {
    finish_hiding(table, width, &[])
}

/// [`finish`], and on a terminal too narrow for every column even with its
/// cells elided, the `optional` columns (by header, the first named hides
/// first) are left out and a last line names them.
pub fn finish_hiding(table: Table, width: Option<usize>, optional: &[String]) -> String {
    let (mut table, hidden) = match width {
        Some(w) => fit(&table, w, optional),
        None => (table, Vec::new()),
    };
    table.set_content_arrangement(ContentArrangement::Disabled);
    table.force_no_tty();
    let mut text = table
        .to_string()
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_start_matches('\n')
        .to_owned();
    if !hidden.is_empty() {
        text.push_str("\n(hidden at this width: ");
        text.push_str(&hidden.join(", "));
        text.push_str("; -o json shows all)");
    }
    text
}

/// The longest run of `text` between spaces and commas: what a column
/// narrowed by wrapping must still hold.
fn longest_word(text: &str) -> usize {
    text.lines()
        .flat_map(|l| l.split_inclusive([' ', ',']))
        .map(|w| chars(w.trim_end_matches(' ')))
        .max()
        .unwrap_or(0)
}

/// A copy of `table` fitted to `max` columns, and the headers it hid.
fn fit(table: &Table, max: usize, optional: &[String]) -> (Table, Vec<String>) {
    let header: Vec<String> = table
        .header()
        .map(|h| h.cell_iter().map(Cell::content).collect())
        .unwrap_or_default();
    let rows: Vec<Vec<String>> = table
        .row_iter()
        .map(|r| r.cell_iter().map(Cell::content).collect())
        .collect();
    let columns = rows.iter().map(Vec::len).chain([header.len()]).max().unwrap_or(0);
    let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    let mut natural = vec![0; columns];
    let mut words = vec![0; columns];
    for row in rows.iter().chain(std::iter::once(&header)) {
        for i in 0..columns {
            let c = cell(row, i);
            natural[i] = natural[i].max(c.lines().map(chars).max().unwrap_or(0));
            words[i] = words[i].max(longest_word(&c));
        }
    }
    if total(&natural) <= max {
        return (table.clone(), Vec::new());
    }
    // A number (`1,234,567`, `$1,319.03`) is one word: never wrapped at its
    // commas nor elided. Its column keeps its width while others give way
    // (or optional columns hide).
    let numeric: Vec<bool> = (0..columns).map(|i| numeric_column(&rows, i)).collect();
    let value_width = |i: usize| {
        rows.iter()
            .map(|r| cell(r, i).lines().map(chars).max().unwrap_or(0))
            .max()
            .unwrap_or(0)
    };
    for i in (0..columns).filter(|&i| numeric[i]) {
        words[i] = words[i].max(value_width(i));
    }
    // No column is squeezed below MIN_COLUMN (or its header) unless the
    // optional columns are gone and it still does not fit.
    let floors: Vec<usize> = (0..columns)
        .map(|i| {
            if numeric[i] {
                natural[i].min(value_width(i).max(longest_word(&cell(&header, i))))
            } else {
                natural[i].min(MIN_COLUMN.max(chars(&cell(&header, i))))
            }
        })
        .collect();
    let mut keep: Vec<usize> = (0..columns).collect();
    let mut hidden = Vec::new();
    for name in optional {
        if total(&keep.iter().map(|&i| floors[i]).collect::<Vec<_>>()) <= max {
            break;
        }
        if let Some(at) = keep
            .iter()
            .position(|&i| cell(&header, i).eq_ignore_ascii_case(name))
        {
            hidden.push(cell(&header, keep.remove(at)));
        }
    }
    let pick = |v: &[usize]| keep.iter().map(|&i| v[i]).collect::<Vec<_>>();
    let headers: Vec<usize> = (0..columns)
        .map(|i| {
            if numeric[i] {
                longest_word(&cell(&header, i)).max(value_width(i)).max(1)
            } else {
                chars(&cell(&header, i)).max(1)
            }
        })
        .collect();
    let widths = fit_widths(
        &pick(&natural),
        &[&pick(&words), &pick(&floors), &pick(&headers)],
        max,
    );
    let cut = |row: &[String]| -> Vec<String> {
        keep.iter()
            .zip(&widths)
            .map(|(&i, &w)| {
                cell(row, i)
                    .lines()
                    .map(|line| wrap(line, w))
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
    for (at, &i) in keep.iter().enumerate() {
        if numeric[i]
            && let Some(column) = out.column_mut(at)
        {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    (out, hidden)
}

/// Whether every value of column `i` (but empty and `-` cells) is a number.
fn numeric_column(rows: &[Vec<String>], i: usize) -> bool {
    let mut values = rows
        .iter()
        .filter_map(|r| r.get(i))
        .filter(|c| !c.is_empty() && c.as_str() != "-")
        .peekable();
    values.peek().is_some() && values.all(|c| looks_numeric(c))
}

fn looks_numeric(cell: &str) -> bool {
    cell.chars().any(|c| c.is_ascii_digit())
        && cell.chars().all(|c| c.is_ascii_digit() || ",.$%-+≥ ".contains(c))
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
    fn lists_and_words_wrap_at_their_breaks_and_never_inside_a_word() {
        assert_eq!(
            wrap("us-east-1,us-east-2,us-west-2", 10),
            "us-east-1,\nus-east-2,\nus-west-2"
        );
        assert_eq!(wrap("Customer Support", 9), "Customer\nSupport");
        assert_eq!(
            wrap("anthropic.claude-haiku-4-5-20251001-v1:0", 12),
            elide("anthropic.claude-haiku-4-5-20251001-v1:0", 12)
        );
    }

    #[test]
    fn the_widest_column_wraps_first_and_is_elided_only_past_its_longest_word() {
        let natural = [10, 40, 8];
        let stages: [&[usize]; 2] = [&[10, 12, 8], &[10, 12, 8]];
        assert_eq!(fit_widths(&natural, &stages, 100), [10, 40, 8], "fits already");
        let w = fit_widths(&natural, &stages, 40);
        assert_eq!(w.iter().map(|c| c + PADDING).sum::<usize>(), 40);
        assert_eq!(w, [10, 16, 8], "wrapped, nothing lost");
        let stages: [&[usize]; 2] = [&[25, 25], &[12, 12]];
        assert_eq!(
            fit_widths(&[30, 30], &stages, 10),
            [12, 12],
            "never below the last stage"
        );
        assert_eq!(
            fit_widths(&[30, 30], &stages, 40),
            [18, 18],
            "then elided, widest first"
        );
    }

    fn wide() -> Table {
        let mut t = new_table(&["name", "model", "routes", "department", "owner"]);
        t.add_row(vec![
            "platform-gateway-haiku",
            "anthropic.claude-haiku-4-5-20251001-v1:0",
            "us-east-1,us-east-2,us-west-2",
            "Customer Support",
            "li.wei@example.com",
        ]);
        t
    }

    #[test]
    fn a_fitted_table_is_never_wider_than_the_terminal_and_breaks_no_word() {
        for width in [60, 80, 100] {
            let text = finish(wide(), Some(width));
            assert!(text.lines().all(|l| chars(l) <= width), "{width}:\n{text}");
            let words = [
                "platform-gateway-haiku",
                "anthropic.claude-haiku-4-5-20251001-v1:0",
                "us-east-1,",
                "us-east-2,",
                "us-west-2",
                "Customer",
                "Support",
                "li.wei@example.com",
            ];
            for token in text.lines().skip(1).flat_map(str::split_whitespace) {
                assert!(
                    words.contains(&token) || token.contains('…'),
                    "{token:?} is a broken word at {width}:\n{text}"
                );
            }
        }
        assert!(finish(wide(), None).contains("anthropic.claude-haiku-4-5-20251001-v1:0"));
    }

    #[test]
    fn numbers_are_never_wrapped_at_their_commas_nor_elided() {
        let mut t = new_table(&["department", "input tokens", "est. cost", "note"]);
        t.add_row(vec![
            "Customer Support",
            "1,117,080,306",
            "$6,782.22",
            "a long free-text note that can wrap",
        ]);
        let text = finish(t, Some(44));
        assert!(
            text.contains("1,117,080,306") && text.contains("$6,782.22"),
            "{text}"
        );
        assert!(
            text.lines().all(|l| chars(l) <= 44),
            "still fits by wrapping the words:\n{text}"
        );
        assert_eq!(
            wrap("Cache Read", 9),
            "Cache\nRead",
            "the space between words counts"
        );
    }

    #[test]
    fn optional_columns_hide_only_when_the_rest_cannot_fit_and_are_named() {
        let optional = ["routes".to_owned(), "owner".to_owned()];
        let roomy = finish_hiding(wide(), Some(140), &optional);
        assert!(roomy.contains("ROUTES") && !roomy.contains("hidden"), "{roomy}");
        let narrow = finish_hiding(wide(), Some(62), &optional);
        assert!(!narrow.lines().next().unwrap().contains("ROUTES"), "{narrow}");
        assert!(
            narrow
                .lines()
                .filter(|l| !l.starts_with('('))
                .all(|l| chars(l) <= 62),
            "{narrow}"
        );
        assert!(
            narrow.ends_with("(hidden at this width: ROUTES; -o json shows all)"),
            "{narrow}"
        );
    }
}
