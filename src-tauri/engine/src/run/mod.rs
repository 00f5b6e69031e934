//! Running comparisons: mapping reports, the parallel runner, its reliability policy, metrics
//! and the substitution check.

pub mod mapping;
pub mod metrics;
pub mod policy;
pub mod report;
pub mod runner;
pub mod substitution;

pub use mapping::{MappingAction, MappingEntry, MappingReport};
pub use metrics::Metrics;
pub use policy::{RetryPolicy, Timeouts};
pub use report::{Attempt, PaneError, PaneReport, ToolCallOut, UsageOut};
pub use runner::{env_suffix, PaneHandle, PaneSpec, RunEvent, Runner, Target};
