//! Integration tests, one binary (faster to link than one per file).

mod cli;
mod common;
mod configs;
mod conformance;
mod contact_reach;
mod docs;
mod email_probe;
mod exec_check;
mod failures;
mod fuzz_regressions;
mod history;
mod hostile;
mod hostile_text;
mod html;
mod http_check;
mod input_caps;
mod interview;
mod layers;
mod plugin_processes;
mod portfolio;
mod reconcile;
mod reviews;
mod smtp_flood;
mod snapshots;
mod survey;
mod web_form;
