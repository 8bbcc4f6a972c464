//! A link server for the link checker's tests and bench: raw HTTP/1.1 with keep-alive on a
//! loopback address, with a path for each way a link can fail, and the peak number of
//! requests it had in flight at once (shared between servers with one `Gauge`).
//!
//! Paths: `/ok…` 200; `/wait…` 200 after 50 ms; `/chain/N` 301 to `/chain/N-1`, `/chain/0` 200; `/missing` 404;
//! `/error` 500; `/nohead` 405 to HEAD and 200 to GET; `/slow` answers after 30 s;
//! `/loop/a` ↔ `/loop/b` 302; `/away` 301 to another server's `/ok` (`REDIRECT_TO`).
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Requests in flight now and at most, with every request seen.
#[derive(Default)]
pub struct Gauge {
    now: AtomicUsize,
    pub peak: AtomicUsize,
    pub requests: AtomicUsize,
    pub seen: Mutex<Vec<(String, String, Option<String>)>>,
}

impl Gauge {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        self.requests.fetch_add(1, Ordering::SeqCst);
    }
    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

pub struct LinkServer {
    /// `http://127.0.0.x:port`
    pub base: String,
    /// This server's requests.
    pub gauge: Arc<Gauge>,
}

/// A server on `ip` (a loopback address), counting into its own gauge and `shared`.
pub async fn start(ip: &str, shared: Arc<Gauge>) -> LinkServer {
    let listener = TcpListener::bind((ip, 0)).await.expect("bind loopback");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let gauge = Arc::new(Gauge::default());
    let own = gauge.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (own, shared) = (own.clone(), shared.clone());
            tokio::spawn(serve(stream, own, shared));
        }
    });
    LinkServer { base, gauge }
}

/// A port on 127.0.0.1 where nothing listens.
pub async fn closed_port() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

async fn serve(mut stream: TcpStream, own: Arc<Gauge>, shared: Arc<Gauge>) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
            if buffer.first() == Some(&0x16) {
                // a TLS ClientHello: answer as plain HTTP would, which fails the handshake
                let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
                return;
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_string();
        buffer.drain(..end);
        let mut words = head.split_whitespace();
        let method = words.next().unwrap_or_default().to_string();
        let path = words.next().unwrap_or_default().to_string();
        let range = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("range:"))
            .map(|l| l[6..].trim().to_string());
        own.enter();
        shared.enter();
        own.seen
            .lock()
            .unwrap()
            .push((method.clone(), path.clone(), range));
        let (status, location) = route(&method, &path).await;
        own.leave();
        shared.leave();
        let reply = format!(
            "HTTP/1.1 {status} X\r\ncontent-length: 0\r\n{}\r\n",
            location
                .map(|l| format!("location: {l}\r\n"))
                .unwrap_or_default()
        );
        if stream.write_all(reply.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// Where `/away` sends to.
pub static REDIRECT_TO: Mutex<String> = Mutex::new(String::new());

async fn route(method: &str, path: &str) -> (u16, Option<String>) {
    if path.starts_with("/ok") {
        return (200, None);
    }
    if path.starts_with("/wait") {
        tokio::time::sleep(Duration::from_millis(50)).await;
        return (200, None);
    }
    if let Some(n) = path.strip_prefix("/chain/") {
        let n: u32 = n.parse().unwrap_or(0);
        return if n == 0 {
            (200, None)
        } else {
            (301, Some(format!("/chain/{}", n - 1)))
        };
    }
    match path {
        "/missing" => (404, None),
        "/error" => (500, None),
        "/nohead" if method == "HEAD" => (405, None),
        "/nohead" => (200, None),
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            (200, None)
        }
        "/loop/a" => (302, Some("/loop/b".into())),
        "/loop/b" => (302, Some("/loop/a".into())),
        "/away" => (301, Some(format!("{}/ok", REDIRECT_TO.lock().unwrap()))),
        _ => (404, None),
    }
}
