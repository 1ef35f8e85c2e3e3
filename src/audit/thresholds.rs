//! `[thresholds]`: the floors a run's scores must reach, overall and per category.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use toml_span::de_helpers::TableHelper;

use super::out_of_range;
use crate::category::Category;
use crate::spanned::Number;

/// What a `[thresholds]` key sets a floor for: the overall score, or one category's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThresholdKey {
    Overall,
    Category(Category),
}

impl ThresholdKey {
    /// Every key an audit file may set, `overall` first.
    pub fn all() -> impl Iterator<Item = ThresholdKey> {
        std::iter::once(ThresholdKey::Overall).chain(Category::ALL.map(ThresholdKey::Category))
    }

    /// The key as the audit file and the failure lines write it.
    pub fn name(self) -> &'static str {
        match self {
            ThresholdKey::Overall => "overall",
            ThresholdKey::Category(category) => category.id(),
        }
    }
}

/// By name: failed thresholds are reported in the order of their keys' names.
impl Ord for ThresholdKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for ThresholdKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `[thresholds]`: `overall` and category ids, each a score from 0 to 100.
pub(super) fn parse_thresholds(th: &mut TableHelper<'_>) -> BTreeMap<ThresholdKey, f64> {
    let mut thresholds = BTreeMap::new();
    for key in ThresholdKey::all() {
        if let Some(value) = th.optional_s::<Number>(key.name()) {
            if !(0.0..=100.0).contains(&value.value.0) {
                th.errors.extend(out_of_range(key.name(), &value).errors);
            }
            thresholds.insert(key, value.value.0);
        }
    }
    thresholds
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threshold_key_has_a_name_of_its_own_and_keys_sort_by_it() {
        let keys: Vec<ThresholdKey> = ThresholdKey::all().collect();
        assert_eq!(keys.len(), 1 + Category::ALL.len());
        let mut names: Vec<&str> = keys.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), keys.len(), "names are distinct");
        let sorted: std::collections::BTreeSet<ThresholdKey> = keys.into_iter().collect();
        let in_order: Vec<&str> = sorted.iter().map(|k| k.name()).collect();
        assert_eq!(in_order, names);
    }
}
