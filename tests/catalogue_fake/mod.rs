//! A fake catalogue for fault tests: a tokio listener on 127.0.0.1:0 that answers each
//! connection with the next scripted behaviour, written as raw HTTP, and records what it got.
#![allow(dead_code)] // each test file uses a different part

pub mod portal;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the fake does with one connection.
#[derive(Clone, Debug)]
pub enum Behaviour {
    /// Writes these bytes (a whole HTTP response) and closes.
    Raw(Vec<u8>),
    /// Reads the request and never answers (until the test ends).
    Hang,
    /// Writes these bytes, then resets the connection (RST) before the promised body is complete.
    ResetAfter(Vec<u8>),
}

/// One request as the fake received it.
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    pub method: String,
    pub target: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Fake {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Fake {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Fake {
    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

/// A JSON reply with a status line.
pub fn json(status: u16, body: &str) -> Behaviour {
    reply(status, "application/json;charset=utf-8", body)
}

/// Any reply.
pub fn reply(status: u16, content_type: &str, body: &str) -> Behaviour {
    Behaviour::Raw(
        format!(
            "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

/// The CKAN success envelope around `result`.
pub fn ok(result: serde_json::Value) -> Behaviour {
    json(
        200,
        &serde_json::json!({"help": "fake", "success": true, "result": result}).to_string(),
    )
}

/// Starts the fake; connections beyond the script get a 500.
pub async fn start(script: Vec<Behaviour>) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let recorded = requests.clone();
    let mut script: VecDeque<Behaviour> = script.into();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let behaviour = script.pop_front().unwrap_or_else(|| {
                json(
                    500,
                    r#"{"success": false, "error": {"__type": "unscripted"}}"#,
                )
            });
            let recorded = recorded.clone();
            tokio::spawn(async move { serve(stream, behaviour, recorded).await });
        }
    });
    Fake {
        url,
        requests,
        task,
    }
}

/// Starts a fake that answers each request with what `answer` says for it (for tests
/// whose requests come in no fixed order).
pub async fn start_with(answer: fn(&Recorded) -> Behaviour) -> Fake {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let recorded = requests.clone();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let recorded = recorded.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut stream).await else {
                    return;
                };
                let behaviour = answer(&request);
                recorded.lock().unwrap().push(request);
                respond(stream, behaviour).await;
            });
        }
    });
    Fake {
        url,
        requests,
        task,
    }
}

async fn serve(mut stream: TcpStream, behaviour: Behaviour, recorded: Arc<Mutex<Vec<Recorded>>>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    recorded.lock().unwrap().push(request);
    respond(stream, behaviour).await;
}

async fn respond(mut stream: TcpStream, behaviour: Behaviour) {
    match behaviour {
        Behaviour::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Behaviour::Hang => tokio::time::sleep(Duration::from_secs(3600)).await,
        Behaviour::ResetAfter(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.flush().await;
            tokio::time::sleep(Duration::from_millis(50)).await;
            let _ = stream.set_zero_linger();
            drop(stream);
        }
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Recorded> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
        if data[0] == 0x16 {
            // A TLS ClientHello: this fake only speaks plain HTTP, which is what TLS tests want.
            return Some(Recorded {
                method: "TLS".into(),
                ..Recorded::default()
            });
        }
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    Some(Recorded {
        method,
        target,
        headers,
        body: data[head_end..].to_vec(),
    })
}
