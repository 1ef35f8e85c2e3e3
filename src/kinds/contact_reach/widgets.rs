//! The chat widgets a page may embed (`checks/widgets.toml`, embedded).

use crate::spanned::InputError;
use crate::spanned::{parse_toml, read_table};
use std::path::Path;
use std::sync::OnceLock;
use toml_span::de_helpers::TableHelper;

#[derive(Debug, Clone)]
pub struct Widget {
    pub id: String,
    pub name: String,
    pub patterns: Vec<String>,
}

const WIDGETS_PATH: &str = "checks/widgets.toml";

/// The shipped chat-widget signatures; their validity is a test.
pub fn widgets() -> &'static [Widget] {
    static WIDGETS: OnceLock<Vec<Widget>> = OnceLock::new();
    WIDGETS.get_or_init(|| {
        parse_widgets(
            include_str!("../../../checks/widgets.toml"),
            Path::new(WIDGETS_PATH),
        )
        .unwrap_or_else(|e| panic!("shipped widgets invalid:\n{e}"))
    })
}

pub fn parse_widgets(text: &str, file: &Path) -> Result<Vec<Widget>, InputError> {
    let located = |errors| InputError::in_toml(file, text, errors);
    let mut root = parse_toml(text, file)?;
    let mut th = TableHelper::new(&mut root).map_err(located)?;
    let mut widgets = Vec::new();
    if let Some((_, mut list)) = th.take("widget")
        && let toml_span::value::ValueInner::Array(items) = list.take()
    {
        for mut item in items {
            let widget = read_table(&mut item, &mut th.errors, |wt| {
                let patterns: Vec<String> = wt.required::<Vec<String>>("patterns").ok()?;
                Some(Widget {
                    id: wt.required("id").ok()?,
                    name: wt.required("name").ok()?,
                    patterns: patterns.into_iter().map(|p| p.to_lowercase()).collect(),
                })
            });
            widgets.extend(widget.flatten());
        }
    }
    th.finalize(None).map_err(located)?;
    Ok(widgets)
}
