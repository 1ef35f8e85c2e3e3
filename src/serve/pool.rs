//! The store behind the server: a few worker threads, each with its own read-only connection.
//! The backends block (SQLite's calls, PostgreSQL's client on a runtime of its own), so they
//! run off the server's runtime; a page's queries go to one worker as one job. A worker whose
//! connection was lost (the database restarted, an administrator ended it) opens a new one,
//! so the page after the failed one is served again.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};

use crate::store::{self, RunStore, StoreError};

/// A page's queries; true when they failed for the store's reasons, not the page's.
type Job = Box<dyn FnOnce(&mut dyn RunStore) -> bool + Send>;

pub struct StorePool {
    jobs: Sender<Job>,
}

impl StorePool {
    /// `workers` connections to the store at `url`, all opened before serving, so a store
    /// that cannot be read is an error at start, not on the first page.
    pub fn open(url: &str, workers: usize) -> Result<Self, StoreError> {
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let (opened, results) = channel();
        for n in 0..workers.max(1) {
            let (queue, opened, url) = (Arc::clone(&queue), opened.clone(), url.to_string());
            // Each worker opens its own connection on its own thread: PostgreSQL's client
            // runs a runtime of its own, which may not start inside the server's.
            std::thread::Builder::new()
                .name(format!("store-{n}"))
                .spawn(move || match store::open_to_read(&url) {
                    Ok(store) => {
                        let _ = opened.send(Ok(()));
                        drop(opened);
                        work(&url, store, &queue);
                    }
                    Err(e) => {
                        let _ = opened.send(Err(e));
                    }
                })
                .map_err(|e| StoreError::Database(format!("cannot start a store worker: {e}")))?;
        }
        drop(opened);
        for result in results.iter().take(workers.max(1)) {
            result?;
        }
        Ok(Self { jobs })
    }

    /// Runs `job` on a worker's store and waits for its answer without blocking the runtime.
    pub async fn with<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut dyn RunStore) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let sent = self.jobs.send(Box::new(move |store| {
            // A request that timed out or hung up waits no more: its queries are not run.
            if answer.is_closed() {
                return false;
            }
            let answer_of = job(store);
            let store_failed = matches!(answer_of, Err(StoreError::Database(_)));
            let _ = answer.send(answer_of);
            store_failed
        }));
        let stopped = || StoreError::Database("the store's workers stopped".into());
        sent.map_err(|_| stopped())?;
        answered.await.unwrap_or_else(|_| Err(stopped()))
    }
}

fn work(url: &str, mut store: Box<dyn RunStore>, queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only to take a job, never while one runs.
        let job = match queue.lock() {
            Ok(queue) => queue.recv(),
            Err(_) => return,
        };
        match job {
            // A page's bug ends its request (its answer is dropped, so it gets a 503), never
            // the worker.
            Ok(job) => {
                let store_failed =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(store.as_mut())))
                        .unwrap_or(false);
                if store_failed && store.ping().is_err() {
                    // Still unreachable: the next failure tries again.
                    if let Ok(fresh) = store::open_to_read(url) {
                        store = fresh;
                    }
                }
            }
            Err(_) => return,
        }
    }
}
