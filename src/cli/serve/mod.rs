//! The HTTP server of `keyctl serve` (SPEC §11): listeners, connections and
//! graceful shutdown, over tokio and hyper.
//!
//! hyper's HTTP/1 connection builder is used directly, rather than through a
//! framework's `serve`, because the limits of SPEC §11 are connection
//! settings: the header block is capped by hyper's read buffer (16 KiB; a
//! larger one gets `431`) and a client that does not finish its headers
//! within 10 s is cut off by hyper's header timer. Bodies are capped and
//! timed in [`http`]. Routing is five fixed paths, matched there.
//!
//! Shutdown: on `SIGTERM` or `SIGINT` the listeners stop accepting, every
//! connection finishes the request it is answering and closes, and only then
//! does [`run`] return, after the writer thread has committed what was
//! queued. A verification is answered only after its record committed, so a
//! request that got an answer is never lost; one that did not get an answer
//! may be lost with the process, as with any server.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{mpsc, watch};

use crate::config::Config;
use crate::keyctl::Keyctl;
use crate::time::Clock;

pub mod http;
pub mod log;
pub mod metrics;
pub mod readers;
pub mod writer;

use self::log::{AccessLog, LogFormat};
use self::metrics::Metrics;
use self::readers::Readers;
use self::writer::Writer;

/// Fails to compile if the façade stops being movable to the writer thread.
const _: fn() = || {
    fn assert_send<T: Send>() {}
    assert_send::<Keyctl>();
};

/// The largest header block a client may send, in bytes.
pub const MAX_HEADERS: usize = 16 * 1024;
/// How long a client may take to send its header block.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// An address to listen on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listen {
    /// `HOST:PORT`.
    Tcp(String),
    /// `unix:PATH`.
    Unix(PathBuf),
}

impl Listen {
    /// Parses `HOST:PORT` or `unix:PATH`.
    pub fn parse(s: &str) -> Result<Listen, String> {
        if let Some(path) = s.strip_prefix("unix:") {
            if path.is_empty() {
                return Err("unix: needs a socket path, as in unix:/run/keyctl.sock".to_owned());
            }
            return Ok(Listen::Unix(PathBuf::from(path)));
        }
        let ok = s
            .rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if ok {
            Ok(Listen::Tcp(s.to_owned()))
        } else {
            Err(format!(
                "'{}' is neither HOST:PORT (127.0.0.1:7373) nor unix:PATH",
                crate::text::escape(s)
            ))
        }
    }
}

/// What `keyctl serve` runs with.
pub struct Options {
    pub listen: Vec<Listen>,
    pub record: bool,
    pub log_format: LogFormat,
}

/// A bound listener.
enum Bound {
    Tcp(TcpListener),
    Unix(UnixListener, PathBuf),
}

/// Serves until `SIGTERM` or `SIGINT`. `writer` records verifications (see
/// [`writer`]); `open_reader` opens a `Keyctl` for verifications that record
/// nothing and for readiness, run on the async workers when `inline_reads`
/// (see [`readers`]).
pub fn run(
    options: Options,
    config: Config,
    clock: Clock,
    writer: Keyctl,
    open_reader: Box<dyn Fn() -> crate::error::Result<Keyctl> + Send + Sync>,
    inline_reads: bool,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("keyctl-serve")
        .on_thread_park(log::flush_thread)
        .on_thread_stop(log::flush_thread)
        .build()
        .context("cannot start the server's threads")?;
    let metrics = Arc::new(Metrics::default());
    let on_batch = Arc::clone(&metrics);
    let (queue, writer_thread) = Writer::start(
        writer,
        move |n| on_batch.batch(n),
        |message| eprintln!("keyctl serve: the store cannot record: {message}"),
    )
    .context("cannot start the writer thread")?;
    let state = Arc::new(http::State {
        config,
        clock,
        record: options.record,
        writer: queue,
        readers: Readers::new(open_reader, inline_reads),
        metrics,
        log: AccessLog {
            format: options.log_format,
        },
    });
    let served = runtime.block_on(serve(&options.listen, state));
    // Every connection has ended, so the last queue sender is gone: the
    // writer commits what is left and returns.
    let _ = writer_thread.join();
    // Stopping the workers writes the access-log lines they still hold.
    drop(runtime);
    if served.is_ok() {
        eprintln!("keyctl serve: stopped");
    }
    served
}

async fn serve(listen: &[Listen], state: Arc<http::State>) -> anyhow::Result<()> {
    // Signals are caught before the ready line, so that a supervisor that
    // stops the server as soon as it is ready still gets a clean stop.
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot catch SIGTERM")?;
    let mut int = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("cannot catch SIGINT")?;
    let mut bound = Vec::new();
    let mut ready = Vec::new();
    for l in listen {
        match l {
            Listen::Tcp(addr) => {
                let listener = TcpListener::bind(addr)
                    .await
                    .with_context(|| format!("cannot listen on {addr}"))?;
                let local = listener.local_addr()?;
                ready.push(format!("http://{local}"));
                bound.push(Bound::Tcp(listener));
            }
            Listen::Unix(path) => {
                let listener = bind_unix(path)?;
                ready.push(format!("unix:{}", path.display()));
                bound.push(Bound::Unix(listener, path.clone()));
            }
        }
    }
    for r in &ready {
        eprintln!("keyctl serve: listening on {r}");
    }
    let (stop, stopping) = watch::channel(false);
    let (alive, mut all_done) = mpsc::channel::<()>(1);
    let mut sockets = Vec::new();
    for b in bound {
        if let Bound::Unix(_, path) = &b {
            sockets.push(path.clone());
        }
        tokio::spawn(accept(
            b,
            Arc::clone(&state),
            stopping.clone(),
            alive.clone(),
        ));
    }
    drop(alive);
    drop(state);
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
    eprintln!("keyctl serve: stopping: answering the requests in flight");
    let _ = stop.send(true);
    // Every accept loop and connection holds a sender; `None` means all ended.
    let _ = all_done.recv().await;
    for path in sockets {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Binds a unix socket at `path`, replacing a socket file that nobody
/// listens on (left by a server that did not stop cleanly), never any other file.
fn bind_unix(path: &Path) -> anyhow::Result<UnixListener> {
    use std::os::unix::fs::FileTypeExt;
    if let Ok(meta) = std::fs::symlink_metadata(path) {
        let stale =
            meta.file_type().is_socket() && std::os::unix::net::UnixStream::connect(path).is_err();
        if !stale {
            anyhow::bail!(
                "cannot listen on unix:{}: the path exists and is in use or not a socket",
                path.display()
            );
        }
        std::fs::remove_file(path)
            .with_context(|| format!("cannot replace the stale socket {}", path.display()))?;
    }
    UnixListener::bind(path).with_context(|| format!("cannot listen on unix:{}", path.display()))
}

async fn accept(
    listener: Bound,
    state: Arc<http::State>,
    mut stopping: watch::Receiver<bool>,
    alive: mpsc::Sender<()>,
) {
    loop {
        let stop = async { stopping.wait_for(|s| *s).await.map(drop) };
        let accepted = match &listener {
            Bound::Tcp(l) => tokio::select! {
                _ = stop => return,
                a = l.accept() => a.map(|(s, _)| {
                    // Answers are small; sending them at once matters more.
                    let _ = s.set_nodelay(true);
                    Connection::Tcp(s)
                }),
            },
            Bound::Unix(l, _) => tokio::select! {
                _ = stop => return,
                a = l.accept() => a.map(|(s, _)| Connection::Unix(s)),
            },
        };
        if accepted.is_ok() {
            state.metrics.connection();
        }
        match accepted {
            Ok(Connection::Tcp(s)) => {
                connect(s, Arc::clone(&state), stopping.clone(), alive.clone());
            }
            Ok(Connection::Unix(s)) => {
                connect(s, Arc::clone(&state), stopping.clone(), alive.clone());
            }
            Err(e) => {
                // Out of file descriptors, or a connection reset before it
                // was accepted: wait a moment rather than spin.
                eprintln!("keyctl serve: cannot accept a connection: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

enum Connection {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

/// Serves one connection until it closes or the server stops.
fn connect<S>(
    stream: S,
    state: Arc<http::State>,
    mut stopping: watch::Receiver<bool>,
    alive: mpsc::Sender<()>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| http::handle(Arc::clone(&state), req));
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEADERS)
        .serve_connection(TokioIo::new(stream), service);
    tokio::spawn(async move {
        let mut conn = std::pin::pin!(conn);
        let stopped = tokio::select! {
            _ = conn.as_mut() => false,
            s = stopping.wait_for(|s| *s) => s.is_ok(),
        };
        if stopped {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
        drop(alive);
    });
}
