//! Request body limits answer 413 with a clear page (or JSON) before reading the body.

use crate::fixture_app;
use jangteo_testkit::Backend;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends only the head of a request that announces `length` body bytes and reads the answer.
async fn announce(base_url: &str, content_type: &str, length: u64, accept: &str) -> String {
    let addr = base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /admin/products/images HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nAccept: {accept}\r\nSec-Fetch-Site: same-origin\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    // Read until the response head and body arrived (the server closes after a 413).
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut chunk)).await
        {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => buf.extend_from_slice(&chunk[..n]),
            Ok(Err(_)) => break,
        }
        let text = String::from_utf8_lossy(&buf);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let len = text[..head_end].lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length: ")
                    .map(|v| v.trim().parse::<usize>().unwrap_or(0))
            });
            if len.is_some_and(|len| buf.len() >= head_end + 4 + len) {
                break;
            }
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_uploads_and_bodies_get_413() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    let upload = "multipart/form-data; boundary=xyz";
    // Default upload limit: 20 MB.
    let over = announce(&t.base_url, upload, 20 * 1024 * 1024 + 1, "text/html").await;
    assert!(
        over.starts_with("HTTP/1.1 413"),
        "{}",
        &over[..over.len().min(200)]
    );
    assert!(over.contains("text/html"));
    assert!(over.contains("장터 데모샵"), "a page in the shop's look");
    assert!(
        over.contains("20MB") || over.contains("용량") || over.contains("너무"),
        "a clear message"
    );
    let json = announce(&t.base_url, upload, 50 * 1024 * 1024, "application/json").await;
    assert!(json.starts_with("HTTP/1.1 413"));
    assert!(json.contains("\"code\":\"413\""));
    // Under the upload limit, the request is not refused for its size.
    let fine = announce(&t.base_url, upload, 2 * 1024 * 1024, "text/html").await;
    assert!(
        !fine.starts_with("HTTP/1.1 413"),
        "{}",
        &fine[..fine.len().min(200)]
    );
    // Other bodies: 1 MB.
    let form = announce(
        &t.base_url,
        "application/x-www-form-urlencoded",
        1024 * 1024 + 1,
        "text/html",
    )
    .await;
    assert!(form.starts_with("HTTP/1.1 413"));
}

/// A chunked upload (no `Content-Length`) over the limit is cut off while read: the 413 page, not
/// a 422 (the editor's image upload reads its file with the shared reader).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chunked_upload_over_the_limit_gets_413() {
    let Some((t, _)) = fixture_app(Backend::Sqlite).await else {
        return;
    };
    let (owner, _) =
        jangteo_testkit::shopper::staff_session(&t, "owner@example.com", "owner").await;
    let cookie = owner.admin_cookie().unwrap();
    let addr = t.base_url.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /admin/media HTTP/1.1\r\nHost: {addr}\r\nContent-Type: multipart/form-data; boundary=xyz\r\nTransfer-Encoding: chunked\r\nCookie: {cookie}\r\nAccept: text/html\r\nSec-Fetch-Site: same-origin\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let part = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.png\"\r\nContent-Type: image/png\r\n\r\n";
    let send = |bytes: Vec<u8>| {
        let mut chunk = format!("{:x}\r\n", bytes.len()).into_bytes();
        chunk.extend_from_slice(&bytes);
        chunk.extend_from_slice(b"\r\n");
        chunk
    };
    let _ = stream.write_all(&send(part.to_vec())).await;
    let megabyte = vec![0u8; 1024 * 1024];
    for _ in 0..21 {
        if stream.write_all(&send(megabyte.clone())).await.is_err() {
            break; // the server stopped reading: its answer is waiting
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut chunk)).await
        {
            Ok(Ok(0)) | Err(_) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&chunk[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "{}",
        &answer[..answer.len().min(200)]
    );
}
