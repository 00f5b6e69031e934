//! How long streamed text waits on the Rust side before the page has it, recorded on request.
//!
//! `benches/app_perf.py` sets `JUXTA_DELIVERY_LOG` to a file, so the lag it reports counts the waits
//! this side really had, not a figure worked out from the code. Each line is one wait:
//! `pane <µs> <at>` (a pane's oldest pending text, when the pane flushed it) or `window <µs> <at>` (a
//! window's oldest queued message, when the window sent the script that delivers it), `at` being the
//! wall-clock time of the flush or send in µs since the Unix epoch (the page's `performance.timeOrigin`
//! clock, so the benchmark can tell how long the script then took to run in the page). Unset, nothing
//! is recorded or opened.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Which stage the text waited in.
#[derive(Clone, Copy)]
pub enum Stage {
    Pane,
    Window,
}

fn file() -> Option<&'static Mutex<File>> {
    static FILE: OnceLock<Option<Mutex<File>>> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::var_os("JUXTA_DELIVERY_LOG").filter(|p| !p.is_empty())?;
        match OpenOptions::new().create(true).append(true).open(&path) {
            Ok(f) => Some(Mutex::new(f)),
            Err(e) => {
                log::warn!("JUXTA_DELIVERY_LOG: cannot open {}: {e}", path.to_string_lossy());
                None
            }
        }
    })
    .as_ref()
}

/// Records one wait (a no-op unless `JUXTA_DELIVERY_LOG` is set).
pub fn record(stage: Stage, waited: Duration) {
    let Some(file) = file() else { return };
    let tag = match stage {
        Stage::Pane => "pane",
        Stage::Window => "window",
    };
    let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let line = format!("{tag} {} {}\n", waited.as_micros(), at.as_micros());
    let mut f = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = f.write_all(line.as_bytes());
}
