//! WebKitGTK settings for a window that streams eight panes at once (Linux only; elsewhere these are no-ops).
//!
//! Measured in BENCHMARKS.md (the desktop app section): on a machine with no GPU, WebKitGTK's compositing mode
//! paints through software GL, and eight growing panes took a frame p95 of 382 ms and 579 MB; with compositing off,
//! 39 ms and 325 MB. So Juxta turns compositing off itself when there is no GPU render node, unless the user chose.
//! The memory cache model is "document viewer": Juxta is one local page, never a browser with a back-forward cache.

/// Before any webview exists (the variable is read when WebKit starts).
pub fn before_start() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() && !has_gpu_render_node() {
        // Safe: called first thing in main, before any other thread exists.
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
        log::info!("no GPU render node found: WebKit compositing is off (set WEBKIT_DISABLE_COMPOSITING_MODE=0 to keep it)");
    }
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_some_and(|v| v == "0") {
        std::env::remove_var("WEBKIT_DISABLE_COMPOSITING_MODE");
    }
}

/// Once the main window exists.
pub fn tune<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
        let result = window.with_webview(|webview| {
            if let Some(context) = webview.inner().context() {
                context.set_cache_model(CacheModel::DocumentViewer);
            }
        });
        if let Err(e) = result {
            log::warn!("could not tune the webview: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// `/dev/dri/renderD*`: what Mesa and the GPU drivers open for rendering.
#[cfg(target_os = "linux")]
fn has_gpu_render_node() -> bool {
    std::fs::read_dir("/dev/dri")
        .map(|dir| dir.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
        .unwrap_or(false)
}
