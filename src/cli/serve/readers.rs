//! Readers: the connections that answer verifications which record nothing
//! (`--no-record`, `"record": false`) and the readiness probe.
//!
//! Such a verification writes nothing, so it needs no place in the writer's
//! queue, and each lookup sees the latest committed state, so a key revoked
//! by another process is refused by the next request. On SQLite a read in
//! WAL mode never waits for a writer and takes a few microseconds, so it runs
//! on the async worker that holds the request, with that worker thread's own
//! [`Keyctl`]: handing it to a blocking thread would cost more than the read.
//! On PostgreSQL a read is a network round trip, so it runs on a blocking
//! thread with a [`Keyctl`] taken from a small pool of idle ones (opened on
//! demand, at most [`MAX_READERS`] at once).

use std::cell::RefCell;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use crate::error::Result;
use crate::keyctl::{Keyctl, Presented};

use super::writer::Answer;

/// The most reader connections open at once.
pub const MAX_READERS: usize = 8;

type Opener = dyn Fn() -> Result<Keyctl> + Send + Sync;

thread_local! {
    /// The reading `Keyctl` of this worker thread (SQLite only).
    static LOCAL: RefCell<Option<Keyctl>> = const { RefCell::new(None) };
}

/// A pool of reading [`Keyctl`]s.
pub struct Readers {
    idle: Mutex<Vec<Keyctl>>,
    open: Box<Opener>,
    permits: Semaphore,
    /// Reads run on the calling worker thread (SQLite).
    inline: bool,
}

impl Readers {
    /// Readers that open their `Keyctl`s with `open`; `inline` for a store
    /// whose reads never block for long (SQLite).
    pub fn new(open: Box<Opener>, inline: bool) -> Arc<Readers> {
        Arc::new(Readers {
            idle: Mutex::new(Vec::new()),
            open,
            permits: Semaphore::new(MAX_READERS),
            inline,
        })
    }

    /// Runs `f` on this worker thread's `Keyctl`, opened on first use.
    fn local<T>(&self, f: impl FnOnce(&mut Keyctl) -> T) -> Option<T> {
        LOCAL.with(|cell| {
            let mut slot = cell.try_borrow_mut().ok()?;
            let kc = match slot.as_mut() {
                Some(kc) => kc,
                None => slot.insert((self.open)().ok()?),
            };
            Some(f(kc))
        })
    }

    /// Runs `f` on a pooled `Keyctl` on a blocking thread. `None` when no
    /// `Keyctl` could be opened or the thread failed.
    async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Keyctl) -> T + Send + 'static,
    ) -> Option<T> {
        let _permit = self.permits.acquire().await.ok()?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let taken = pool.idle.lock().ok().and_then(|mut idle| idle.pop());
            let mut kc = match taken {
                Some(kc) => kc,
                None => (pool.open)().ok()?,
            };
            let value = f(&mut kc);
            if let Ok(mut idle) = pool.idle.lock() {
                idle.push(kc);
            }
            Some(value)
        })
        .await
        .ok()
        .flatten()
    }

    /// Verifies without recording. A read on the blocking pool that takes
    /// longer than `deadline` is answered [`Answer::Unavailable`]; an inline
    /// read needs no timer (a timer per request costs more than the read).
    pub async fn verify(self: &Arc<Self>, item: Presented, deadline: Duration) -> Answer {
        let run = move |kc: &mut Keyctl| {
            if let Err(e) = item.request.required_scopes() {
                return Ok(Answer::Unjudgeable(
                    crate::error::Error::from(e).to_string(),
                ));
            }
            kc.verify(&item.secret, &item.request)
                .map(|v| Answer::Done(Box::new(v)))
        };
        let result = if self.inline {
            self.local(run)
        } else {
            tokio::time::timeout(deadline, self.with(run))
                .await
                .ok()
                .flatten()
        };
        match result {
            Some(Ok(answer)) => answer,
            Some(Err(_)) | None => Answer::Unavailable,
        }
    }

    /// Whether the store answers.
    pub async fn ping(self: &Arc<Self>) -> bool {
        let answer = if self.inline {
            self.local(Keyctl::ping)
        } else {
            self.with(Keyctl::ping).await
        };
        matches!(answer, Some(Ok(())))
    }
}
