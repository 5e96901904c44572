//! Readers: the connections that answer verifications which record nothing
//! (`--no-record`, `"record": false`) and the readiness probe.
//!
//! Such a verification writes nothing, so it needs no place in the writer's
//! queue: it runs on a blocking thread with a [`Keyctl`] taken from a small
//! pool of idle ones (opened on demand, at most [`MAX_READERS`] at once), and
//! each lookup sees the latest committed state, so a key revoked by another
//! process is refused by the next request.

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use crate::error::Result;
use crate::keyctl::{Keyctl, Presented};

use super::writer::Answer;

/// The most reader connections open at once.
pub const MAX_READERS: usize = 8;

type Opener = dyn Fn() -> Result<Keyctl> + Send + Sync;

/// A pool of reading [`Keyctl`]s.
pub struct Readers {
    idle: Mutex<Vec<Keyctl>>,
    open: Box<Opener>,
    permits: Semaphore,
}

impl Readers {
    pub fn new(open: Box<Opener>) -> Arc<Readers> {
        Arc::new(Readers {
            idle: Mutex::new(Vec::new()),
            open,
            permits: Semaphore::new(MAX_READERS),
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

    /// Verifies without recording.
    pub async fn verify(self: &Arc<Self>, item: Presented) -> Answer {
        let result = self
            .with(move |kc| {
                if let Err(e) = item.request.required_scopes() {
                    return Ok(Answer::Unjudgeable(
                        crate::error::Error::from(e).to_string(),
                    ));
                }
                kc.verify(&item.secret, &item.request)
                    .map(|v| Answer::Done(Box::new(v)))
            })
            .await;
        match result {
            Some(Ok(answer)) => answer,
            Some(Err(_)) | None => Answer::Unavailable,
        }
    }

    /// Whether the store answers.
    pub async fn ping(self: &Arc<Self>) -> bool {
        matches!(self.with(Keyctl::ping).await, Some(Ok(())))
    }
}
