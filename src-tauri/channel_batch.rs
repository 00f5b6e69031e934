//! Every channel message of a frame in one webview script, instead of one script per message.
//!
//! Tauri delivers each `Channel::send` with its own `webview.eval`, and WebKitGTK spends about half a
//! millisecond of the page's main thread on each one, whatever the message. Eight streaming panes send
//! about 800 messages a second: with their text changes thrown away, that alone kept the page's main
//! thread 50 % busy (BENCHMARKS.md, the desktop app section). So small messages are queued per webview
//! and delivered together: the first after a quiet spell at once (nothing waits when little is
//! happening), later ones in one script `GATHER` after the next tick of the frame grid the panes
//! flush on (`frame_grid`), so a pane's message waits for the other panes' of the same tick, not
//! for a frame of its own.
//!
//! Order is kept: Tauri's JavaScript `Channel` orders messages by the index each carries, so neither
//! batching nor a large payload taking Tauri's own fetch path (not intercepted) can reorder what a
//! channel's handler sees.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tauri::ipc::{CallbackFn, InvokeResponseBody};
use tauri::{Runtime, Webview};

use crate::delivery_log::{self, Stage};
use crate::frame_grid::{self, is_quiet, Grid, GATHER};

/// Tauri's own limit for delivering a JSON message inline; larger ones go its fetch path.
const INLINE_LIMIT: usize = 8192;

/// One queued message: the channel's callback id, the message's index, its JSON.
type Message = (u32, usize, String);

struct Queue<R: Runtime> {
    webview: Webview<R>,
    messages: Vec<Message>,
    last_flush: Option<Instant>,
    flush_scheduled: bool,
    /// When the oldest queued message came (for `delivery_log`).
    oldest: Option<Instant>,
}

/// The script that hands every message to its channel, in order. One handler throwing does not
/// keep the others from their messages.
pub fn script(messages: &[Message]) -> String {
    let mut js = String::with_capacity(64 + messages.iter().map(|(_, _, m)| m.len() + 40).sum::<usize>());
    js.push_str("(()=>{const r=window.__TAURI_INTERNALS__.runCallback;for(const [i,m] of [");
    for (callback, index, json) in messages {
        // Tauri inlines the same JSON the same way (JSON is valid JavaScript).
        js.push_str(&format!("[{callback},{{message:{json},index:{index}}}],"));
    }
    js.push_str("]){try{r(i,m)}catch(e){console.error(e)}}})()");
    js
}

/// The channel interceptor (see `tauri::Builder::channel_interceptor`) and its queues, one per webview.
pub struct ChannelBatcher<R: Runtime> {
    queues: Arc<Mutex<HashMap<String, Queue<R>>>>,
}

impl<R: Runtime> Default for ChannelBatcher<R> {
    fn default() -> Self {
        Self { queues: Arc::default() }
    }
}

impl<R: Runtime> ChannelBatcher<R> {
    /// Takes a message for delivery; false leaves it to Tauri (payloads too large to inline, raw bytes).
    pub fn intercept(
        &self,
        webview: &Webview<R>,
        callback: CallbackFn,
        index: usize,
        body: &InvokeResponseBody,
    ) -> bool {
        let InvokeResponseBody::Json(json) = body else { return false };
        if json.len() >= INLINE_LIMIT {
            return false;
        }
        let label = webview.label().to_string();
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        let queue = queues.entry(label.clone()).or_insert_with(|| Queue {
            webview: webview.clone(),
            messages: Vec::new(),
            last_flush: None,
            flush_scheduled: false,
            oldest: None,
        });
        // A webview replaced under the same label gets the messages from now on.
        queue.webview = webview.clone();
        queue.oldest.get_or_insert_with(Instant::now);
        queue.messages.push((callback.0, index, json.clone()));
        if queue.flush_scheduled {
            return true; // it goes with the delivery already on its way
        }
        let now = Instant::now();
        if is_quiet(queue.last_flush, now) {
            let (webview, messages) = take(queue);
            drop(queues);
            let _ = webview.eval(script(&messages));
        } else {
            let at = Grid::new(frame_grid::origin()).next_after(now, GATHER);
            queue.flush_scheduled = true;
            let queues = Arc::clone(&self.queues);
            tauri::async_runtime::spawn(async move {
                tokio::time::sleep_until(at.into()).await;
                let mut all = queues.lock().unwrap_or_else(PoisonError::into_inner);
                let Some(queue) = all.get_mut(&label) else { return };
                let (webview, messages) = take(queue);
                drop(all);
                let _ = webview.eval(script(&messages));
            });
        }
        true
    }
}

/// Empties `queue` and marks the delivery (the script is built after the lock is released).
fn take<R: Runtime>(queue: &mut Queue<R>) -> (Webview<R>, Vec<Message>) {
    queue.last_flush = Some(Instant::now());
    queue.flush_scheduled = false;
    if let (Some(oldest), Some(&(callback, index, _))) = (queue.oldest.take(), queue.messages.first()) {
        delivery_log::record(Stage::Window { callback, index }, oldest.elapsed());
    }
    (queue.webview.clone(), std::mem::take(&mut queue.messages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_delivers_each_message_to_its_channel_in_order() {
        let js = script(&[(7, 0, r#"{"type":"delta","text":"a"}"#.into()), (9, 3, r#""</script>""#.into())]);
        assert_eq!(
            js,
            "(()=>{const r=window.__TAURI_INTERNALS__.runCallback;for(const [i,m] of [\
             [7,{message:{\"type\":\"delta\",\"text\":\"a\"},index:0}],\
             [9,{message:\"</script>\",index:3}],\
             ]){try{r(i,m)}catch(e){console.error(e)}}})()"
        );
    }
}
