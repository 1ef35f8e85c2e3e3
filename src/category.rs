//! The five categories of the status check a report is scored in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// How fast customer service answers, on at least two channels.
    Responsiveness,
    /// How easy it is to find a way to contact the company.
    Reach,
    /// Ratings and reviews online.
    Reputation,
    /// Whether feedback is easy to give and leads to action.
    Feedback,
    /// Whether frontline staff have the information they need.
    Frontline,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Responsiveness,
        Category::Reach,
        Category::Reputation,
        Category::Feedback,
        Category::Frontline,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Category::Responsiveness => "responsiveness",
            Category::Reach => "reach",
            Category::Reputation => "reputation",
            Category::Feedback => "feedback",
            Category::Frontline => "frontline",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Responsiveness => "Responsiveness across channels",
            Category::Reach => "Ease of reaching customer service",
            Category::Reputation => "Ratings and reviews online",
            Category::Feedback => "Feedback loop",
            Category::Frontline => "Frontline information access",
        }
    }

    /// Default weights, the ones DESIGN.md gives: responsiveness matters most
    /// because it is the part of the status check customers feel first.
    pub fn default_weight(self) -> f64 {
        match self {
            Category::Responsiveness => 30.0,
            Category::Reach => 15.0,
            Category::Reputation => 25.0,
            Category::Feedback => 20.0,
            Category::Frontline => 10.0,
        }
    }

    pub fn from_id(id: &str) -> Option<Category> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }

    pub fn ids() -> String {
        Self::ALL.map(Category::id).join(", ")
    }
}

/// A category id, refused at its place when unknown.
impl<'de> toml_span::Deserialize<'de> for Category {
    fn deserialize(value: &mut toml_span::Value<'de>) -> Result<Self, toml_span::DeserError> {
        let text = value.take_string(Some("a category such as \"feedback\""))?;
        Category::from_id(&text).ok_or_else(|| {
            crate::spanned::custom(
                format!(
                    "unknown category `{text}`; expected one of: {}",
                    Category::ids()
                ),
                value,
            )
        })
    }
}
