//! Questionnaires: definitions, answers from interviews and survey exports in
//! one long format, and their aggregation into scores.

pub mod aggregate;
pub mod answers;
pub mod import;
pub mod interview;
pub mod interview_file;
mod labels;
pub mod questionnaire;
pub mod template;
