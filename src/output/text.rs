//! `-o text`: tab-separated lines, as the AWS CLI prints them
//! (<https://docs.aws.amazon.com/cli/latest/userguide/cli-usage-output-format.html#text-output>).
//!
//! An object prints its scalar values on one line in key order, then each
//! nested list or object on the lines after it, led by its key in capitals.
//! A list of objects prints one line per object, every line with the same
//! columns (the scalar keys of all of them, in order; a missing one empty).
//! A list of scalars prints on one line (or one line per value, after its
//! key, inside an object). `null` prints `None`, booleans `True`/`False`,
//! as the AWS CLI does.

use std::collections::BTreeSet;
use std::io::{self, Write};

use serde_json::{Map, Value};

pub fn write(value: &Value, w: &mut impl Write) -> io::Result<()> {
    item(value, None, None, w)
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => "None".to_owned(),
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_))
}

fn item(v: &Value, identifier: Option<&str>, keys: Option<&[String]>, w: &mut impl Write) -> io::Result<()> {
    match v {
        Value::Object(map) => object(map, identifier, keys, w),
        Value::Array(items) => list(items, identifier, w),
        other => writeln!(w, "{}", scalar(other)),
    }
}

fn list(items: &[Value], identifier: Option<&str>, w: &mut impl Write) -> io::Result<()> {
    if items.is_empty() {
        return Ok(());
    }
    if items.iter().any(Value::is_object) {
        let keys: Vec<String> = items
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|m| m.iter().filter(|(_, v)| is_scalar(v)).map(|(k, _)| k.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        for v in items {
            item(v, identifier, Some(&keys), w)?;
        }
        return Ok(());
    }
    let (scalars, nested): (Vec<&Value>, Vec<&Value>) = items.iter().partition(|v| is_scalar(v));
    if !scalars.is_empty() {
        match identifier {
            Some(id) => {
                for v in &scalars {
                    writeln!(w, "{}\t{}", id.to_uppercase(), scalar(v))?;
                }
            }
            None => writeln!(
                w,
                "{}",
                scalars.iter().map(|v| scalar(v)).collect::<Vec<_>>().join("\t")
            )?,
        }
    }
    for v in nested {
        item(v, identifier, None, w)?;
    }
    Ok(())
}

fn object(
    map: &Map<String, Value>,
    identifier: Option<&str>,
    keys: Option<&[String]>,
    w: &mut impl Write,
) -> io::Result<()> {
    let mut scalars: Vec<String> = Vec::new();
    let mut nested: Vec<(&String, &Value)> = Vec::new();
    if let Some(keys) = keys {
        scalars.extend(keys.iter().map(|k| map.get(k).map_or_else(String::new, scalar)));
        let mut rest: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| !keys.contains(k)).collect();
        rest.sort_by(|a, b| a.0.cmp(b.0));
        nested = rest;
    } else {
        let mut all: Vec<(&String, &Value)> = map.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        for (k, v) in all {
            if is_scalar(v) {
                scalars.push(scalar(v));
            } else {
                nested.push((k, v));
            }
        }
    }
    if !scalars.is_empty() {
        if let Some(id) = identifier {
            scalars.insert(0, id.to_uppercase());
        }
        writeln!(w, "{}", scalars.join("\t"))?;
    }
    for (k, v) in nested {
        item(v, Some(k), None, w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn text(v: &Value) -> String {
        let mut buf = Vec::new();
        write(v, &mut buf).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn objects_lists_and_scalars_print_as_the_aws_cli_does() {
        let profiles = json!([
            {"name": "a", "region": "us-east-1", "tags": {"Department": "Search"}, "models": ["m1", "m2"]},
            {"name": "b", "region": "eu-west-1", "tags": {}, "description": null}
        ]);
        assert_eq!(
            text(&profiles),
            "\ta\tus-east-1\nMODELS\tm1\nMODELS\tm2\nTAGS\tSearch\nNone\tb\teu-west-1\n"
        );
        assert_eq!(text(&json!(["x", "y", 3])), "x\ty\t3\n");
        assert_eq!(text(&json!([["a", 1], ["b", 2]])), "a\t1\nb\t2\n");
        assert_eq!(text(&json!({"ok": true, "n": 2})), "2\tTrue\n");
        assert_eq!(text(&json!("plain")), "plain\n");
    }
}
