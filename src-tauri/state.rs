//! What the commands share: the catalog (bundled presets plus the user's providers), the runner,
//! the running panes and the secret store. Keys are not held here: the store fetches them from the
//! OS keychain when a request needs one.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use juxta_engine::catalog::{Catalog, Endpoint, Presets};
use juxta_engine::protocol::ModelInfo;
use juxta_engine::run::Runner;
use juxta_engine::secrets::SecretStore;
use juxta_mock::MockServer;
use tokio_util::sync::CancellationToken;

use crate::history::HistoryState;
use crate::ipc::IpcError;

pub struct AppState {
    pub secrets: Arc<dyn SecretStore>,
    /// Where `providers.toml` (and the CLI's other files) live; none when no home dir is known.
    pub config_dir: Option<PathBuf>,
    pub catalog: RwLock<Catalog>,
    /// Ids of the bundled presets: anything else in the catalog is the user's.
    bundled: BTreeSet<String>,
    pub runner: Runner,
    pub panes: Arc<Panes>,
    /// Running benchmarks, by the id `stop_bench` takes.
    pub benches: Arc<Panes>,
    /// Each provider's models, after the first successful listing.
    pub models: Mutex<HashMap<String, Vec<ModelInfo>>>,
    /// The built-in demo provider, once the user starts it.
    pub demo: tokio::sync::Mutex<Option<MockServer>>,
    /// A user file that could not be read at start (the app runs on the bundled data instead).
    pub load_warning: Option<String>,
    /// Every run kept in SQLite (unless private); none until `with_history`.
    pub history: HistoryState,
}

impl AppState {
    pub fn new(secrets: Arc<dyn SecretStore>, config_dir: Option<PathBuf>) -> AppState {
        let (catalog, load_warning) = match config_dir.as_deref().map(Catalog::load) {
            Some(Ok(c)) => (c, None),
            Some(Err(e)) => (Catalog::bundled(), Some(format!("ignored a bad config file: {e}"))),
            None => (Catalog::bundled(), None),
        };
        if let Some(w) = &load_warning {
            tracing::warn!("{w}");
        }
        let runner = Runner::with_tables(
            secrets.clone(),
            catalog.caps.clone(),
            catalog.prices.clone(),
            juxta_engine::run::Timeouts::default().connect,
        )
        // Building the HTTP client only fails when the TLS backend cannot start: nothing can run.
        .expect("the HTTP client could not start");
        AppState {
            secrets,
            config_dir,
            bundled: Presets::bundled().ids().map(str::to_string).collect(),
            catalog: RwLock::new(catalog),
            runner,
            panes: Arc::new(Panes::default()),
            benches: Arc::new(Panes::default()),
            models: Mutex::new(HashMap::new()),
            demo: tokio::sync::Mutex::new(None),
            load_warning,
            history: HistoryState::default(),
        }
    }

    /// Keep runs in the history database at `path` (the app's `store::default_path()`).
    pub fn with_history(mut self, path: Option<PathBuf>) -> AppState {
        self.history = HistoryState::open(path, self.config_dir.as_deref());
        self
    }

    pub fn is_custom(&self, id: &str) -> bool {
        !self.bundled.contains(id)
    }

    /// The provider to send to, or an error saying it is unknown.
    pub fn endpoint(&self, id: &str) -> Result<Endpoint, IpcError> {
        self.catalog
            .read()
            .expect("catalog lock")
            .presets
            .get(id)
            .cloned()
            .ok_or_else(|| IpcError::unknown_provider(id))
    }
}

/// The running panes, by id, each with the token that stops it.
#[derive(Default)]
pub struct Panes {
    map: Mutex<HashMap<u64, CancellationToken>>,
    next: AtomicU64,
}

impl Panes {
    /// Register a running pane; its id is what `stop_pane` takes.
    pub fn add(&self, token: CancellationToken) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        self.lock().insert(id, token);
        id
    }

    pub fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }

    /// Stop one pane (false when it already ended).
    pub fn stop(&self, id: u64) -> bool {
        self.lock().get(&id).map(CancellationToken::cancel).is_some()
    }

    pub fn stop_all(&self) {
        self.lock().values().for_each(CancellationToken::cancel);
    }

    pub fn running(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, CancellationToken>> {
        // A panic while holding this lock cannot leave the map inconsistent: keep going.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }
}
