//! How long streamed text waits on the Rust side before the page has it, recorded on request.
//!
//! `benches/app_perf.py` sets `JUXTA_DELIVERY_LOG` to a file, so the lag it reports counts the waits
//! this side really had, not a figure worked out from the code. Each line is one wait:
//! `pane <µs> <at> <pane id>` (a pane's oldest pending text, when the pane flushed it in one message)
//! or `window <µs> <at> <callback>:<index>` (a window's oldest queued message, when the window sent the
//! script that delivers it), `at` being the wall-clock time of the flush or send in µs since the Unix
//! epoch (the page's `performance.timeOrigin` clock). The pane id (the one `start_turn` answers with)
//! and `callback:index` (the script's first message) let the benchmark find each flush's message and
//! each script's run in the page: when text arrived here, and when the page first drew it. (Matching
//! by time alone misleads: a script one frame late is taken for the next one.) Unset, nothing is
//! recorded or opened.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Which stage the text waited in.
#[derive(Clone, Copy)]
pub enum Stage {
    /// A pane's flush, named by the pane's id.
    Pane { pane: u64 },
    /// A window's delivery, named by its first message: the channel's callback id and the message's index.
    Window { callback: u32, index: usize },
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
    let waited = waited.as_micros();
    let at = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_micros();
    let line = match stage {
        Stage::Pane { pane } => format!("pane {waited} {at} {pane}\n"),
        Stage::Window { callback, index } => format!("window {waited} {at} {callback}:{index}\n"),
    };
    let mut f = file.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = f.write_all(line.as_bytes());
}
