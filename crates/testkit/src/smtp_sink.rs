//! A local SMTP server that accepts every message and keeps it (no TLS, no auth): the mail
//! adapter under test talks real SMTP to it.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A message the sink accepted.
#[derive(Debug, Clone)]
pub struct SunkMail {
    /// `MAIL FROM` address.
    pub from: String,
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The raw message (headers and body), dot-unstuffed.
    pub data: String,
}

/// A running sink.
#[derive(Clone)]
pub struct SmtpSink {
    /// Host to connect to.
    pub host: String,
    /// Port to connect to.
    pub port: u16,
    mails: Arc<Mutex<Vec<SunkMail>>>,
}

impl SmtpSink {
    /// Starts a sink on 127.0.0.1 and a random port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the SMTP sink");
        let port = listener.local_addr().expect("sink address").port();
        let mails: Arc<Mutex<Vec<SunkMail>>> = Arc::default();
        let store = mails.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let store = store.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, store).await;
                });
            }
        });
        SmtpSink {
            host: "127.0.0.1".into(),
            port,
            mails,
        }
    }

    /// Messages accepted so far.
    pub fn mails(&self) -> Vec<SunkMail> {
        self.mails.lock().unwrap().clone()
    }
}

async fn serve(
    stream: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<SunkMail>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    write.write_all(b"220 sink.jangteo.test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    while let Some(line) = lines.next_line().await? {
        let upper = line.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            write
                .write_all(b"250-sink.jangteo.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                .await?;
        } else if upper.starts_with("HELO")
            || upper.starts_with("RSET")
            || upper.starts_with("NOOP")
        {
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = line[10..]
                .trim()
                .trim_start_matches('<')
                .split('>')
                .next()
                .unwrap_or_default()
                .to_owned();
            to.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(
                line[8..]
                    .trim()
                    .trim_start_matches('<')
                    .split('>')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            );
            write.write_all(b"250 OK\r\n").await?;
        } else if upper == "DATA" {
            write
                .write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            while let Some(l) = lines.next_line().await? {
                if l == "." {
                    break;
                }
                data.push_str(l.strip_prefix('.').unwrap_or(&l));
                data.push_str("\r\n");
            }
            store.lock().unwrap().push(SunkMail {
                from: from.clone(),
                to: to.clone(),
                data,
            });
            write.write_all(b"250 OK queued\r\n").await?;
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
    Ok(())
}

/// The decoded bodies of a multipart message's parts, by content type (`text/plain`, `text/html`).
/// Understands the base64 parts the mail adapter writes.
pub fn decoded_parts(data: &str) -> Vec<(String, String)> {
    use base64::Engine;
    let mut parts = Vec::new();
    for chunk in data.split("\r\n--") {
        let Some((head, body)) = chunk.split_once("\r\n\r\n") else {
            continue;
        };
        let head_lower = head.to_ascii_lowercase();
        let Some(ct) = head_lower
            .lines()
            .find_map(|l| l.strip_prefix("content-type: "))
        else {
            continue;
        };
        let content_type = ct.split(';').next().unwrap_or_default().trim().to_owned();
        if content_type.starts_with("multipart/") {
            continue;
        }
        let text = if head_lower.contains("content-transfer-encoding: base64") {
            let compact: String = body.lines().take_while(|l| !l.starts_with("--")).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(compact.trim())
                .unwrap_or_default();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            body.to_owned()
        };
        parts.push((content_type, text));
    }
    parts
}
