//! Rendering a view in the chosen format. Without `--query`, a view prints
//! its own table or CSV; JSON, YAML and text print its JSON form. With
//! `--query` (JMESPath, as the AWS CLI's), the expression is applied to the
//! JSON form first, and every format prints what it selected.

use std::io::{self, Write};

use serde_json::Value;

use super::table::{finish, finish_hiding, new_table};
use super::{Format, View, text};
use crate::error::Error;

/// Checks a `--query` expression (clap calls it, so a bad one exits 2 before any request).
pub fn check_query(expr: &str) -> Result<String, String> {
    jmespath::compile(expr)
        .map(|_| expr.to_owned())
        .map_err(|e| format!("not a JMESPath expression: {e}"))
}

fn query(expr: &str, value: &Value) -> Result<Value, Error> {
    let bad = |e: String| Error::Usage {
        message: format!("`--query {expr}` cannot be applied: {e}"),
        hint: Some("see the JSON form with `-o json` first".into()),
    };
    let compiled = jmespath::compile(expr).map_err(|e| bad(e.to_string()))?;
    let found = compiled.search(value).map_err(|e| bad(e.to_string()))?;
    serde_json::to_value(&*found).map_err(|e| bad(e.to_string()))
}

/// Renders `view` in `format` to `w`, fitting tables to `width` when given.
pub fn render(
    view: &impl View,
    format: Format,
    expr: Option<&str>,
    width: Option<usize>,
    w: &mut impl Write,
) -> Result<(), Error> {
    match (format, expr) {
        (Format::Table, None) => {
            writeln!(
                w,
                "{}",
                finish_hiding(view.table(), width, &view.optional_columns())
            )?;
            for line in view.footer() {
                writeln!(w, "{line}")?;
            }
        }
        (Format::Csv, None) => {
            let (header, rows) = view.csv();
            write_csv(&header, &rows, w)?;
        }
        // JSON as it is: written as it is serialized, with no tree of values in between
        // (10,000 profiles built one, and the peak memory with it).
        (Format::Json, None) => {
            serde_json::to_writer_pretty(&mut *w, view).map_err(io::Error::from)?;
            writeln!(w)?;
        }
        _ => {
            let mut value = serde_json::to_value(view).map_err(io::Error::from)?;
            if let Some(expr) = expr {
                value = query(expr, &value)?;
            }
            value_in(format, &value, width, w)?;
        }
    }
    Ok(())
}

fn write_csv(header: &[String], rows: &[Vec<String>], w: &mut impl Write) -> Result<(), Error> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(header).map_err(io::Error::from)?;
    for row in rows {
        out.write_record(row).map_err(io::Error::from)?;
    }
    out.flush()?;
    Ok(())
}

/// A JSON value (a `--query` result) in any format.
fn value_in(format: Format, value: &Value, width: Option<usize>, w: &mut impl Write) -> Result<(), Error> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::from)?;
            writeln!(w)?;
        }
        Format::Yaml => {
            let text = serde_yaml_ng::to_string(value).map_err(|e| io::Error::other(e.to_string()))?;
            w.write_all(text.as_bytes())?;
        }
        Format::Text => text::write(value, w)?,
        Format::Table => {
            let (header, rows) = grid(value);
            let mut t = new_table(&header.iter().map(String::as_str).collect::<Vec<_>>());
            for row in rows {
                t.add_row(row);
            }
            writeln!(w, "{}", finish(t, width))?;
        }
        Format::Csv => {
            let (header, rows) = grid(value);
            write_csv(&header, &rows, w)?;
        }
    }
    Ok(())
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A JSON value as columns and rows: a list of objects by their keys (in
/// order of first appearance), a list of lists as it is, a list of scalars
/// or a scalar as one column, an object as key and value.
fn grid(value: &Value) -> (Vec<String>, Vec<Vec<String>>) {
    match value {
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let mut keys: Vec<String> = Vec::new();
            for m in items.iter().filter_map(Value::as_object) {
                for k in m.keys() {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
            let rows = items
                .iter()
                .filter_map(Value::as_object)
                .map(|m| {
                    keys.iter()
                        .map(|k| m.get(k).map_or_else(String::new, cell))
                        .collect()
                })
                .collect();
            (keys, rows)
        }
        Value::Array(items) if items.iter().any(Value::is_array) => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    Value::Array(inner) => inner.iter().map(cell).collect(),
                    other => vec![cell(other)],
                })
                .collect();
            let n = rows.iter().map(Vec::len).max().unwrap_or(0);
            ((1..=n).map(|i| format!("column {i}")).collect(), rows)
        }
        Value::Array(items) => (
            vec!["value".into()],
            items.iter().map(|i| vec![cell(i)]).collect(),
        ),
        Value::Object(m) => (
            vec!["key".into(), "value".into()],
            m.iter().map(|(k, v)| vec![k.clone(), cell(v)]).collect(),
        ),
        other => (vec!["value".into()], vec![vec![cell(other)]]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use comfy_table::Table;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Two(Vec<serde_json::Value>);

    impl View for Two {
        fn table(&self) -> Table {
            new_table(&["own"])
        }

        fn csv(&self) -> (Vec<String>, Vec<Vec<String>>) {
            (vec!["own".into()], vec![])
        }
    }

    fn out(format: Format, expr: Option<&str>) -> String {
        let view = Two(vec![
            serde_json::json!({"name": "a", "tags": {"Department": "Search"}}),
            serde_json::json!({"name": "b", "tags": {}}),
        ]);
        let mut buf = Vec::new();
        render(&view, format, expr, None, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn a_query_selects_before_any_format_prints() {
        assert_eq!(out(Format::Json, Some("[].name")), "[\n  \"a\",\n  \"b\"\n]\n");
        assert_eq!(out(Format::Text, Some("[].name")), "a\tb\n");
        assert_eq!(
            out(Format::Yaml, Some("[?tags.Department=='Search'].name")),
            "- a\n"
        );
        assert_eq!(
            out(Format::Csv, Some("[].{n: name, d: tags.Department}")),
            "d,n\nSearch,a\n,b\n",
            "a JMESPath object's keys come out in order"
        );
        assert!(
            out(Format::Table, Some("[].name"))
                .trim_start()
                .starts_with("VALUE")
        );
        assert_eq!(
            out(Format::Table, None),
            " OWN\n",
            "without a query a view prints its own table"
        );
        assert!(check_query("[?").is_err());
    }
}
