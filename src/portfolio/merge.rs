//! `merge`: shards' outputs as one portfolio, in time and memory linear in their size (one
//! hash lookup per company to find one listed by two shards).

use std::collections::HashSet;
use std::hash::Hash;

use super::PortfolioOutput;

/// A company an earlier shard listed too: merged, it would be ranked twice.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{company} is in two shards' outputs")]
pub struct ListedTwice {
    pub company: String,
}

/// The shards read so far, and every company name they hold.
#[derive(Default)]
pub struct Merged {
    output: Option<PortfolioOutput>,
    names: HashSet<String>,
}

impl Merged {
    /// Adds one shard's companies; refuses one that an earlier shard listed. (One shard may
    /// list a name twice, as a CSV with a repeated row does.)
    pub fn add(&mut self, part: PortfolioOutput) -> Result<(), ListedTwice> {
        let names = part.companies.iter().map(|c| c.name.clone());
        if let Some(company) = first_seen_before(&mut self.names, names) {
            return Err(ListedTwice { company });
        }
        match &mut self.output {
            None => {
                self.output = Some(PortfolioOutput {
                    shard: None,
                    ..part
                })
            }
            Some(all) => all.companies.extend(part.companies),
        }
        Ok(())
    }

    /// The portfolio of every shard added, named as the first; `None` when none was.
    pub fn finish(self) -> Option<PortfolioOutput> {
        self.output
    }
}

/// The first of `keys` that `seen` holds already; when there is none, `keys` join `seen`.
fn first_seen_before<K: Hash + Eq>(
    seen: &mut HashSet<K>,
    keys: impl Iterator<Item = K>,
) -> Option<K> {
    let keys: Vec<K> = keys.collect();
    if let Some(at) = keys.iter().position(|k| seen.contains(k)) {
        return keys.into_iter().nth(at);
    }
    seen.extend(keys);
    None
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::portfolio::CompanyResult;

    thread_local! {
        static COMPARED: Cell<usize> = const { Cell::new(0) };
    }

    /// A key that counts how often it is compared.
    struct Counted(u32);

    impl Hash for Counted {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    impl PartialEq for Counted {
        fn eq(&self, other: &Self) -> bool {
            COMPARED.set(COMPARED.get() + 1);
            self.0 == other.0
        }
    }
    impl Eq for Counted {}

    #[test]
    fn shards_are_checked_for_a_company_listed_twice_in_linear_work() {
        let mut seen = HashSet::new();
        for shard in 0..4 {
            let keys = (0..20_000).map(|i| Counted(i * 4 + shard));
            assert!(first_seen_before(&mut seen, keys).is_none());
        }
        // At most about one comparison per company (a hash table's near misses); comparing
        // each with those of the earlier shards would be 2.4 billion.
        assert!(COMPARED.get() < 80_000, "{} comparisons", COMPARED.get());
        let again = first_seen_before(&mut seen, [Counted(80_000), Counted(7)].into_iter());
        assert_eq!(again.map(|k| k.0), Some(7));
    }

    #[test]
    fn the_merged_portfolio_is_every_shards_companies_under_the_first_name() {
        let shard = |name: &str, companies: &[&str]| PortfolioOutput {
            portfolio: name.into(),
            shard: Some("1/2".into()),
            companies: (companies.iter())
                .map(|c| CompanyResult {
                    name: (*c).into(),
                    ..CompanyResult::default()
                })
                .collect(),
        };
        let mut merged = Merged::default();
        assert_eq!(merged.add(shard("study", &["A", "B", "B"])), Ok(()));
        assert_eq!(merged.add(shard("other", &["C"])), Ok(()));
        assert_eq!(
            merged.add(shard("study", &["D", "A"])),
            Err(ListedTwice {
                company: "A".into()
            })
        );
        let all = merged.finish().unwrap();
        assert_eq!((all.portfolio.as_str(), all.shard), ("study", None));
        let names: Vec<&str> = all.companies.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["A", "B", "B", "C"]);
    }
}
