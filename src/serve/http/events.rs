//! Live reload: the server's news in, Server-Sent Events out, one stream per open tab at
//! `<prefix>/__workplan/events`.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Response;
use hyper::body::{Body, Bytes, Frame};
use hyper::header;
use tokio::sync::{broadcast, mpsc};

use super::State;

/// Proxies and browsers drop connections that stay silent too long.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The event stream of one tab: what it missed first (a rebuild since its page was served, the
/// current error), then every event until the tab goes away.
pub(super) fn events(state: &State, query: Option<&str>) -> Response<EventStream> {
    // Subscribed before the status is read, so that no event falls in between.
    let mut updates = state.events.subscribe();
    let mut first = String::from("retry: 1000\n\n");
    {
        let status = state.status();
        let page_build = query
            .into_iter()
            .flat_map(|query| query.split('&'))
            .find_map(|pair| pair.strip_prefix("build="));
        if page_build.is_some_and(|build| build != status.build.to_string()) {
            first.push_str(&String::from_utf8_lossy(&event("reload", "")));
        } else if let Some(report) = &status.error {
            first.push_str(&String::from_utf8_lossy(&event("error", report)));
        }
    }
    let (sender, receiver) = mpsc::channel(8);
    tokio::spawn(async move {
        let start = tokio::time::Instant::now() + KEEP_ALIVE;
        let mut keep_alive = tokio::time::interval_at(start, KEEP_ALIVE);
        let mut message = Bytes::from(first);
        loop {
            if sender.send(message).await.is_err() {
                return;
            }
            message = tokio::select! {
                update = updates.recv() => match update {
                    Ok(update) => update,
                    // Whatever the missed events were, a reload brings the tab up to date.
                    Err(broadcast::error::RecvError::Lagged(_)) => event("reload", ""),
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = keep_alive.tick() => Bytes::from_static(b": keep-alive\n\n"),
                () = sender.closed() => return,
            };
        }
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(EventStream(receiver))
        .expect("a valid response")
}

/// One SSE message; each line of `data` goes on a `data:` line of its own.
pub(super) fn event(name: &str, data: &str) -> Bytes {
    let mut message = format!("event: {name}\n");
    for line in data.replace("\r\n", "\n").split(['\n', '\r']) {
        message.push_str("data: ");
        message.push_str(line);
        message.push('\n');
    }
    message.push('\n');
    Bytes::from(message)
}

/// A response body that never ends by itself: the messages of an event stream.
#[derive(Debug)]
pub(super) struct EventStream(mpsc::Receiver<Bytes>);

impl Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let message = self.0.poll_recv(cx);
        message.map(|message| message.map(|bytes| Ok(Frame::data(bytes))))
    }
}
