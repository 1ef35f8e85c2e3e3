//! The interview: questions asked one by one, answers saved after each, so
//! Ctrl-C loses nothing and the same command resumes. Prompting sits behind
//! [`AnswerSource`], so the flow is tested without a terminal.

use inquire::{InquireError, MultiSelect, Select, Text};

use super::answers::{Value, parse_cell};
use super::interview_file::Interview;
use super::questionnaire::{DONT_KNOW, Kind, Question, Questionnaire};

/// What the person at the keyboard did with one question.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Answer(Value),
    Skip,
    Back,
    /// Ctrl-C: stop here; what was answered is saved.
    Quit,
}

pub trait AnswerSource {
    /// Asks `question` (number `position` of `total`), showing the current answer if any.
    fn ask(
        &mut self,
        question: &Question,
        position: usize,
        total: usize,
        current: Option<&Value>,
    ) -> Step;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Interrupted,
}

/// Runs (or resumes) an interview; `save` is called after every answer, and the interview
/// stops at the first answer it cannot save, with its error.
pub fn run<E>(
    questionnaire: &Questionnaire,
    interview: &mut Interview,
    source: &mut dyn AnswerSource,
    save: &mut dyn FnMut(&Interview) -> Result<(), E>,
) -> Result<Outcome, E> {
    let questions: Vec<&Question> = questionnaire.questions().collect();
    let total = questions.len();
    let applies = |interview: &Interview, q: &Question| {
        q.when.as_ref().is_none_or(|c| {
            let wanted = questionnaire.question(&c.question).and_then(|t| t.kind.labels().iter().position(|l| l.eq_ignore_ascii_case(&c.equals)));
            matches!((interview.answer(&c.question), wanted), (Some(Value::Choice(i)), Some(w)) if *i == w)
        })
    };
    let done = |interview: &Interview, q: &Question| {
        interview.answer(&q.id).is_some() || interview.skipped.contains(&q.id)
    };
    // Resume at the first question still open.
    let mut index = questions
        .iter()
        .position(|q| applies(interview, q) && !done(interview, q))
        .unwrap_or(total);
    let mut history: Vec<usize> = (0..index)
        .filter(|i| applies(interview, questions[*i]))
        .collect();
    while index < total {
        let question = questions[index];
        if !applies(interview, question) {
            index += 1;
            continue;
        }
        match source.ask(question, index + 1, total, interview.answer(&question.id)) {
            Step::Answer(value) => {
                interview.set(&question.id, Some(value));
                save(interview)?;
                history.push(index);
                index += 1;
            }
            Step::Skip => {
                interview.set(&question.id, None);
                save(interview)?;
                history.push(index);
                index += 1;
            }
            Step::Back => index = history.pop().unwrap_or(0),
            Step::Quit => {
                save(interview)?;
                return Ok(Outcome::Interrupted);
            }
        }
    }
    save(interview)?;
    Ok(Outcome::Completed)
}

const BACK: &str = "← Back";
const HELP: &str =
    "Enter: answer · Esc: skip · Ctrl-C: stop (answers are saved; run again to resume)";

/// Prompts in the terminal with inquire.
pub struct InquireSource;

impl AnswerSource for InquireSource {
    fn ask(
        &mut self,
        question: &Question,
        position: usize,
        total: usize,
        current: Option<&Value>,
    ) -> Step {
        let prompt = format!("[{position}/{total}] {} {}", question.id, question.text);
        let result = match &question.kind {
            Kind::YesNo | Kind::Scale { .. } | Kind::Maturity4 => {
                let labels = question.kind.labels();
                let mut options: Vec<&str> = labels.clone();
                options.extend([DONT_KNOW, BACK]);
                let cursor = match current {
                    Some(Value::Choice(i)) => *i,
                    Some(Value::DontKnow) => labels.len(),
                    Some(Value::Number(_) | Value::Multi { .. } | Value::Text(_)) | None => 0,
                };
                Select::new(&prompt, options)
                    .with_help_message(HELP)
                    .with_starting_cursor(cursor)
                    .prompt_skippable()
                    .map(|chosen| match chosen {
                        None => Step::Skip,
                        Some(BACK) => Step::Back,
                        Some(DONT_KNOW) => Step::Answer(Value::DontKnow),
                        Some(label) => Step::Answer(Value::Choice(
                            labels.iter().position(|l| *l == label).unwrap_or_default(),
                        )),
                    })
            }
            Kind::Multi { options, none, .. } => {
                let mut all: Vec<&str> = options.iter().map(String::as_str).collect();
                all.extend(none.as_deref());
                MultiSelect::new(&format!("{prompt} (space to tick)"), all)
                    .with_help_message(HELP)
                    .prompt_skippable()
                    .map(|chosen| match chosen {
                        None => Step::Skip,
                        Some(labels) => {
                            let chosen = labels
                                .iter()
                                .filter_map(|l| options.iter().position(|o| o == l))
                                .collect();
                            Step::Answer(Value::Multi {
                                chosen,
                                other: None,
                            })
                        }
                    })
            }
            Kind::Number { .. } | Kind::Text => {
                let checked = question.clone();
                Text::new(&prompt)
                    .with_help_message("type the answer · `<` back · `?` don't know · Esc: skip")
                    .with_validator(move |input: &str| {
                        Ok(match input.trim() {
                            "<" | "?" => inquire::validator::Validation::Valid,
                            other => match parse_cell(&checked, other) {
                                Ok(_) => inquire::validator::Validation::Valid,
                                Err(message) => {
                                    inquire::validator::Validation::Invalid(message.into())
                                }
                            },
                        })
                    })
                    .prompt_skippable()
                    .map(|typed| match typed.as_deref().map(str::trim) {
                        None | Some("") => Step::Skip,
                        Some("<") => Step::Back,
                        Some("?") => Step::Answer(Value::DontKnow),
                        Some(text) => parse_cell(question, text)
                            .ok()
                            .flatten()
                            .map_or(Step::Skip, Step::Answer),
                    })
            }
        };
        match result {
            Ok(step) => step,
            Err(InquireError::OperationInterrupted | InquireError::OperationCanceled) => Step::Quit,
            Err(_) => Step::Quit,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::survey::interview_file;
    use crate::survey::questionnaire::shipped;

    /// Plays back a script of steps; a test double for the person at the keyboard.
    struct Scripted {
        steps: VecDeque<Step>,
        asked: Vec<String>,
    }

    impl AnswerSource for Scripted {
        fn ask(&mut self, question: &Question, _: usize, _: usize, _: Option<&Value>) -> Step {
            self.asked.push(question.id.clone());
            self.steps.pop_front().unwrap_or(Step::Quit)
        }
    }

    fn feedback() -> Questionnaire {
        shipped()
            .into_iter()
            .find(|q| q.id == "feedback-loop")
            .unwrap()
    }

    #[test]
    fn an_interrupted_interview_resumes_where_it_stopped_and_loses_nothing() {
        let q = feedback();
        let mut interview = Interview {
            questionnaire: q.id.clone(),
            respondent: "m".into(),
            ..Interview::default()
        };
        let mut saved = String::new();
        let mut save = |i: &Interview| -> Result<(), std::convert::Infallible> {
            saved = i.to_toml(&q);
            Ok(())
        };
        // CAP-01 Yes, CAP-02 two channels, CAP-03 skipped, then Ctrl-C at CAP-04.
        let mut first = Scripted {
            steps: VecDeque::from([
                Step::Answer(Value::Choice(0)),
                Step::Answer(Value::Multi {
                    chosen: vec![1, 2],
                    other: None,
                }),
                Step::Skip,
                Step::Quit,
            ]),
            asked: vec![],
        };
        assert_eq!(
            run(&q, &mut interview, &mut first, &mut save).unwrap(),
            Outcome::Interrupted
        );
        assert_eq!(first.asked, ["CAP-01", "CAP-02", "CAP-03", "CAP-04"]);
        // What was saved reads back, and the next session starts at CAP-04.
        let mut resumed = interview_file::read(&saved, std::path::Path::new("i.toml"), &q).unwrap();
        assert_eq!(
            resumed.answer("CAP-02"),
            Some(&Value::Multi {
                chosen: vec![1, 2],
                other: None
            })
        );
        assert_eq!(resumed.skipped, ["CAP-03"]);
        let mut second = Scripted {
            steps: VecDeque::from([Step::Answer(Value::Choice(3))]),
            asked: vec![],
        };
        let mut save = |_: &Interview| Ok::<(), std::convert::Infallible>(());
        assert_eq!(
            run(&q, &mut resumed, &mut second, &mut save).unwrap(),
            Outcome::Interrupted
        );
        assert_eq!(
            second.asked,
            ["CAP-04", "CAP-05"],
            "resumed at the first open question"
        );
        assert_eq!(resumed.answer("CAP-04"), Some(&Value::Choice(3)));
        assert_eq!(
            resumed.answer("CAP-01"),
            Some(&Value::Choice(0)),
            "the first session's answers are kept"
        );
    }

    #[test]
    fn back_returns_to_the_previous_question_and_conditions_are_followed() {
        let q = feedback();
        let mut interview = Interview {
            questionnaire: q.id.clone(),
            ..Interview::default()
        };
        // Answer everything "Don't know"/skip quickly, go back once, and say No to ACT-03: ACT-04 is not asked.
        let mut steps = VecDeque::new();
        steps.push_back(Step::Answer(Value::Choice(1))); // CAP-01 No
        steps.push_back(Step::Back); // back to CAP-01
        steps.push_back(Step::Answer(Value::Choice(0))); // CAP-01 Yes
        for _ in 0..11 {
            steps.push_back(Step::Skip); // CAP-02 … ACT-02
        }
        steps.push_back(Step::Answer(Value::Choice(1))); // ACT-03 No
        for _ in 0..3 {
            steps.push_back(Step::Skip); // ACT-05 … ACT-07
        }
        let mut script = Scripted {
            steps,
            asked: vec![],
        };
        let mut save = |_: &Interview| Ok::<(), std::convert::Infallible>(());
        assert_eq!(
            run(&q, &mut interview, &mut script, &mut save).unwrap(),
            Outcome::Completed
        );
        assert_eq!(script.asked[..3], ["CAP-01", "CAP-02", "CAP-01"]);
        assert!(
            !script.asked.contains(&"ACT-04".to_string()),
            "ACT-04 is asked only after a Yes to ACT-03"
        );
        assert_eq!(interview.answer("CAP-01"), Some(&Value::Choice(0)));
    }
}
