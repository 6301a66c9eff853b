//! `aimcp mcp catalog`: every entry `aimcp mcp setup` can set up.

use serde_json::json;

use crate::catalog::{Catalog, Runner};
use crate::printer::Printer;
use crate::settings::Globals;

pub fn run(_globals: &Globals, printer: &Printer) -> anyhow::Result<()> {
    let catalog = Catalog::load()?;
    if printer.is_json() {
        return printer.json(&json!({ "entries": catalog.entries }));
    }
    let mut table = printer.table();
    table.set_header(vec![
        "ID",
        "RUNS WITH",
        "SIGN-IN",
        "SETTINGS",
        "DESCRIPTION",
    ]);
    for e in &catalog.entries {
        let runs: Vec<String> = match e.variants.as_slice() {
            [one] => vec![
                match one.runner {
                    Runner::Remote => "http",
                    Runner::Npm => "npx",
                    Runner::Pypi => "uvx",
                    Runner::Docker => "docker",
                }
                .to_string(),
            ],
            many => many.iter().map(|v| v.id.clone()).collect(),
        };
        let mut auth: Vec<&str> = Vec::new();
        for v in &e.variants {
            if !auth.contains(&v.auth.as_str()) {
                auth.push(v.auth.as_str());
            }
        }
        let settings: Vec<String> = e
            .settings
            .iter()
            .filter(|s| s.required && s.default.is_none())
            .map(|s| s.name.clone())
            .collect();
        table.add_row(vec![
            e.id.clone(),
            runs.join(" | "),
            auth.join(" | "),
            if settings.is_empty() {
                "-".to_string()
            } else {
                settings.join(", ")
            },
            e.description.clone(),
        ]);
    }
    printer.print_table(&table)?;
    printer.hint("set one up with `aimcp mcp setup ID`, or `aimcp mcp setup` to choose");
    Ok(())
}
