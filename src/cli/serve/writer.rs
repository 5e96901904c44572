//! The writer: one thread that owns the server's writing [`Keyctl`] and
//! commits recorded verifications in groups.
//!
//! A SQLite connection blocks and a store has one writer at a time anyway,
//! so recorded verifications are queued to this thread rather than run on
//! the async workers. The thread takes the first queued verification, then
//! everything queued behind it (up to [`MAX_BATCH`]), and runs them through
//! [`Keyctl::verify_batch`] in one write transaction. While one transaction
//! commits, the next group gathers in the queue, so a busy server writes
//! one transaction per group instead of one per request and an idle one
//! answers a lone request without waiting for company. Every answer is sent
//! only after the transaction holding its record has committed; when the
//! transaction fails, every verification of the group is answered
//! [`Answer::Unavailable`] and nothing of it was written. The thread ends
//! when every sender is gone, after answering what was queued.
//!
//! On SQLite the writer's commits do not checkpoint: a checkpoint copies the
//! -wal into the database and syncs both, a few milliseconds in which every
//! request of the group behind it would wait. A second thread does it
//! instead, every [`CHECKPOINT_EVERY`], on a connection of its own, while
//! the writer goes on appending; it stops after the writer, with a last one.
//! Only the writer can let a long -wal start over, so when the checkpoint
//! thread finds it long it asks, and the writer copies the little left
//! before its next group.
//!
//! A store that stays locked must not hold a client until the store's own
//! lock timeout: a caller waits at most its deadline, then answers `503`. So
//! that such a request is never recorded after all, each job has a claim
//! that either the caller (giving up) or the writer (inside the transaction,
//! once the lock is held) takes first: a job the caller gave up on is
//! skipped, and a caller whose job the writer took waits for the commit,
//! which no longer waits on anyone.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::keyctl::{Keyctl, Presented};
use crate::secret::scan::redact_secrets;
use crate::store::Checkpointer;
use crate::verify::Verification;

/// The most verifications one transaction records.
pub const MAX_BATCH: usize = 256;

/// How often the checkpoint thread copies the -wal into the database.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(100);

/// What the writer answers one verification.
#[derive(Debug)]
pub enum Answer {
    Done(Box<Verification>),
    /// The request cannot be judged (SPEC §3): the message says why.
    Unjudgeable(String),
    /// The store could not commit: nothing of this request was written.
    Unavailable,
}

struct Job {
    item: Presented,
    reply: oneshot::Sender<Answer>,
    claim: Arc<AtomicU8>,
}

const PENDING: u8 = 0;
const TAKEN: u8 = 1;
const ABANDONED: u8 = 2;

/// The queue into the writer thread.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer thread over `kc`. `on_batch` sees the size of every
    /// committed group and `on_error` every failed transaction's message.
    pub fn start(
        mut kc: Keyctl,
        on_batch: impl Fn(usize) + Send + 'static,
        on_error: impl Fn(&str) + Send + Sync + 'static,
    ) -> std::io::Result<(Writer, JoinHandle<Keyctl>)> {
        let on_error = Arc::new(on_error);
        // The writer holds `running` until it ends, which ends the
        // checkpoint thread. A store that cannot checkpoint apart keeps
        // checkpointing in its commits.
        let (running, stopped) = mpsc::channel::<()>();
        let catch_up = Arc::new(AtomicBool::new(false));
        let checkpoints = match kc.checkpoint_apart() {
            Ok(Some(checkpointer)) => Some(spawn_checkpoints(
                checkpointer,
                stopped,
                Arc::clone(&catch_up),
                Arc::clone(&on_error),
            )?),
            Ok(None) | Err(_) => None,
        };
        let (queue, jobs) = mpsc::channel::<Job>();
        let handle = std::thread::Builder::new()
            .name("keyctl-writer".to_owned())
            .spawn(move || {
                let kc = run(kc, &jobs, &catch_up, &on_batch, &*on_error);
                drop(running);
                if let Some(thread) = checkpoints {
                    let _ = thread.join();
                }
                kc
            })?;
        Ok((Writer { queue }, handle))
    }

    /// Verifies and records one request; resolves after its group committed,
    /// or with [`Answer::Unavailable`] (nothing recorded) when the writer has
    /// not taken it within `deadline`.
    pub async fn verify(&self, item: Presented, deadline: Duration) -> Answer {
        let (reply, mut answer) = oneshot::channel();
        let claim = Arc::new(AtomicU8::new(PENDING));
        let job = Job {
            item,
            reply,
            claim: Arc::clone(&claim),
        };
        if self.queue.send(job).is_err() {
            return Answer::Unavailable;
        }
        if let Ok(a) = tokio::time::timeout(deadline, &mut answer).await {
            return a.unwrap_or(Answer::Unavailable);
        }
        let gave_up = claim
            .compare_exchange(PENDING, ABANDONED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok();
        if gave_up {
            return Answer::Unavailable;
        }
        answer.await.unwrap_or(Answer::Unavailable)
    }
}

/// The checkpoint thread: a pass every [`CHECKPOINT_EVERY`], raising
/// `catch_up` when the log has grown long, and a last pass once `stopped`
/// closes (the writer has ended).
fn spawn_checkpoints(
    mut checkpointer: Box<dyn Checkpointer>,
    stopped: mpsc::Receiver<()>,
    catch_up: Arc<AtomicBool>,
    on_error: Arc<impl Fn(&str) + Send + Sync + 'static>,
) -> std::io::Result<JoinHandle<()>> {
    std::thread::Builder::new()
        .name("keyctl-checkpoint".to_owned())
        .spawn(move || {
            loop {
                let last = matches!(
                    stopped.recv_timeout(CHECKPOINT_EVERY),
                    Err(mpsc::RecvTimeoutError::Disconnected)
                );
                let done = if last {
                    checkpointer.finish()
                } else {
                    checkpointer
                        .checkpoint()
                        .map(|long| catch_up.fetch_or(long, Ordering::Release))
                        .map(drop)
                };
                if let Err(e) = done {
                    on_error(&redact_secrets(&format!("cannot checkpoint: {e}")));
                }
                if last {
                    return;
                }
            }
        })
}

fn run(
    mut kc: Keyctl,
    jobs: &mpsc::Receiver<Job>,
    catch_up: &AtomicBool,
    on_batch: &dyn Fn(usize),
    on_error: &dyn Fn(&str),
) -> Keyctl {
    let mut items = Vec::with_capacity(MAX_BATCH);
    let mut replies = Vec::with_capacity(MAX_BATCH);
    let mut claims = Vec::with_capacity(MAX_BATCH);
    while let Ok(first) = jobs.recv() {
        // Right after the checkpoint thread's pass, little is left to copy.
        if catch_up.swap(false, Ordering::AcqRel)
            && let Err(e) = kc.catch_up()
        {
            on_error(&redact_secrets(&format!("cannot checkpoint: {e}")));
        }
        let mut next = Some(first);
        while let Some(job) = next.take() {
            // A caller that already gave up is not worth a place in the batch.
            if job.claim.load(Ordering::Acquire) == PENDING {
                items.push(job.item);
                replies.push(job.reply);
                claims.push(job.claim);
            }
            if items.len() < MAX_BATCH {
                next = jobs.try_recv().ok();
            }
        }
        if items.is_empty() {
            continue;
        }
        // A client that hung up is not recorded: nobody would get the answer.
        let mut claim = |i: usize| {
            !replies[i].is_closed()
                && claims[i]
                    .compare_exchange(PENDING, TAKEN, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
        };
        match kc.verify_batch(&items, &mut claim) {
            Ok(results) => {
                on_batch(results.iter().filter(|r| r.is_some()).count());
                for (reply, result) in replies.drain(..).zip(results) {
                    let answer = match result {
                        Some(Ok(v)) => Answer::Done(Box::new(v)),
                        Some(Err(e)) => Answer::Unjudgeable(e.to_string()),
                        None => Answer::Unavailable,
                    };
                    // A client that went away has nobody to answer.
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                on_error(&redact_secrets(&e.to_string()));
                for reply in replies.drain(..) {
                    let _ = reply.send(Answer::Unavailable);
                }
            }
        }
        items.clear();
        claims.clear();
    }
    kc
}
