//! The floor under the desktop app's memory figure (`benches/app_perf.py` measures it after each run): a bare
//! window of the webview Tauri draws with (tao + wry over WebKitGTK) showing one line of text, with the app's
//! WebKit settings (compositing off where there is no GPU, the "document viewer" cache model). Its memory, the
//! window and its WebKit processes, is what any Tauri app pays on the machine before it draws anything of its own.
//!
//! `cargo run --release --example bare_window` (Linux only; the harness starts it with
//! `WEBKIT_DISABLE_COMPOSITING_MODE=1`, as the app sets it on a machine without a GPU).

#[cfg(target_os = "linux")]
fn main() {
    use tao::dpi::LogicalSize;
    use tao::event::{Event, WindowEvent};
    use tao::event_loop::{ControlFlow, EventLoop};
    use tao::platform::unix::WindowExtUnix;
    use tao::window::WindowBuilder;
    use webkit2gtk::{CacheModel, WebContextExt, WebViewExt};
    use wry::{WebViewBuilder, WebViewBuilderExtUnix, WebViewExtUnix};

    let event_loop = EventLoop::new();
    let window = WindowBuilder::new()
        .with_title("bare webview")
        .with_inner_size(LogicalSize::new(1280.0, 800.0))
        .build(&event_loop)
        .expect("a window");
    let vbox = window.default_vbox().expect("tao's GTK box");
    let webview = WebViewBuilder::new()
        .with_html("<!doctype html><p>A bare webview: the floor under the app's memory.</p>")
        .build_gtk(vbox)
        .expect("a webview");
    if let Some(context) = webview.webview().context() {
        context.set_cache_model(CacheModel::DocumentViewer);
    }
    event_loop.run(move |event, _, control_flow| {
        *control_flow = ControlFlow::Wait;
        let _keep = &webview;
        if let Event::WindowEvent { event: WindowEvent::CloseRequested, .. } = event {
            *control_flow = ControlFlow::Exit;
        }
    });
}

#[cfg(not(target_os = "linux"))]
fn main() {
    eprintln!("bare_window measures WebKitGTK's floor: Linux only");
}
