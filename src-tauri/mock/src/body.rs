//! Plays a script of [`Ev`]s as an HTTP body stream.
//!
//! Unpaced events are batched into writes of up to [`BATCH`] bytes (that is what makes a
//! 100,000-event stream fast); anything that waits (a delay, pacing, a stall) first flushes what
//! is buffered so the client sees it at once. An abort yields an io error, which makes hyper cut
//! the connection without the terminal chunk.

use std::io;
use std::time::Duration;

use axum::body::Body;
use bytes::{Bytes, BytesMut};
use tokio::time::{sleep, sleep_until, Instant};

use crate::wire::{Encoder, Ev};

const BATCH: usize = 64 * 1024;

pub struct Driver {
    events: std::vec::IntoIter<Ev>,
    /// An event put back because the buffer had to be flushed first.
    pending: Option<Ev>,
    enc: Box<dyn Encoder>,
    buf: BytesMut,
    /// Time between content events (`rate`), None = as fast as possible.
    interval: Option<Duration>,
    next_at: Option<Instant>,
    stall: Option<Stall>,
    ended: bool,
    /// Dropped when the last bytes are ready (or the stream is aborted or dropped): marks the
    /// stream open for as long as it has something left to send.
    guard: Option<Box<dyn Send>>,
}

struct Stall {
    until: Option<Instant>,
    keepalive: Option<Duration>,
}

impl Driver {
    pub fn new(events: Vec<Ev>, enc: Box<dyn Encoder>, rate: f64) -> Self {
        let interval =
            (rate > 0.0 && rate.is_finite()).then(|| Duration::from_secs_f64(1.0 / rate));
        Driver {
            events: events.into_iter(),
            pending: None,
            enc,
            buf: BytesMut::with_capacity(BATCH + 4096),
            interval,
            next_at: None,
            stall: None,
            ended: false,
            guard: None,
        }
    }

    /// Hold `guard` until the script is over (its last bytes ready) or the stream is dropped.
    pub fn with_guard(mut self, guard: impl Send + 'static) -> Self {
        self.guard = Some(Box::new(guard));
        self
    }

    pub fn into_body(self) -> Body {
        let stream = futures_util::stream::unfold(self, |mut d| async move {
            d.next_chunk().await.map(|c| (c, d))
        });
        Body::from_stream(stream)
    }

    fn take(&mut self) -> Option<io::Result<Bytes>> {
        (!self.buf.is_empty()).then(|| Ok(self.buf.split().freeze()))
    }

    /// The next write, or None when the script is over.
    async fn next_chunk(&mut self) -> Option<io::Result<Bytes>> {
        loop {
            if self.stall.is_some() {
                if let Some(chunk) = self.stall_tick().await {
                    return Some(chunk);
                }
                continue;
            }
            let Some(ev) = self.pending.take().or_else(|| self.events.next()) else {
                if !self.ended {
                    self.ended = true;
                    self.enc.end(&mut self.buf);
                    // Before the client can see the end: the next request may come at once.
                    self.guard = None;
                }
                return self.take();
            };
            let waits = matches!(ev, Ev::Sleep(_) | Ev::Stall { .. } | Ev::Abort);
            let paced = self.interval.is_some() && ev.is_content();
            if (waits || paced) && !self.buf.is_empty() && !self.due(paced) {
                self.pending = Some(ev);
                return self.take();
            }
            match ev {
                Ev::Sleep(d) => {
                    sleep(d).await;
                    self.next_at = None;
                }
                Ev::Stall { total, keepalive } => {
                    self.stall = Some(Stall {
                        until: total.map(|t| Instant::now() + t),
                        keepalive,
                    });
                }
                Ev::Abort => {
                    // Let hyper flush what was written before the connection is cut.
                    sleep(Duration::from_millis(5)).await;
                    self.guard = None;
                    return Some(Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "juxta-mock: scripted drop",
                    )));
                }
                ev if paced => {
                    self.wait_turn().await;
                    self.enc.event(&ev, &mut self.buf);
                    return self.take();
                }
                ev => {
                    self.enc.event(&ev, &mut self.buf);
                    if self.buf.len() >= BATCH {
                        return self.take();
                    }
                }
            }
        }
    }

    /// A paced event whose time has come needs no flush before it.
    fn due(&self, paced: bool) -> bool {
        paced && self.next_at.is_none_or(|at| Instant::now() >= at)
    }

    /// Sleep until this content event's slot; slots are `interval` apart from the first one.
    async fn wait_turn(&mut self) {
        let Some(interval) = self.interval else {
            return;
        };
        let now = Instant::now();
        let at = self.next_at.unwrap_or(now).max(now);
        sleep_until(at).await;
        self.next_at = Some(at + interval);
    }

    /// One step of a stall: a keep-alive comment to send, or None when the stall is over.
    async fn stall_tick(&mut self) -> Option<io::Result<Bytes>> {
        let stall = self.stall.as_ref()?;
        let tick = stall.keepalive.map(|k| Instant::now() + k);
        let wake = match (tick, stall.until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        match wake {
            Some(at) => sleep_until(at).await,
            None => std::future::pending::<()>().await,
        }
        if stall.until.is_some_and(|u| Instant::now() >= u) {
            self.stall = None;
            self.next_at = None;
            return None;
        }
        self.enc.event(&Ev::Comment, &mut self.buf);
        self.take()
    }
}
