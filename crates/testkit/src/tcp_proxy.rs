//! A TCP proxy a test can cut and restore: put in front of PostgreSQL, it is what a stopped or
//! unreachable database server looks like to the shop, without touching the server other tests
//! share.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Forwards connections from a local port to `upstream` until cut.
pub struct CuttableProxy {
    addr: SocketAddr,
    upstream: String,
    tasks: Arc<Mutex<Vec<AbortHandle>>>,
}

impl CuttableProxy {
    /// Listens on a random 127.0.0.1 port and forwards to `upstream` (`host:port`).
    pub async fn start(upstream: &str) -> CuttableProxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the proxy");
        let proxy = CuttableProxy {
            addr: listener.local_addr().expect("proxy address"),
            upstream: upstream.to_owned(),
            tasks: Arc::default(),
        };
        proxy.accept_on(listener);
        proxy
    }

    /// The port clients connect to.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    fn accept_on(&self, listener: TcpListener) {
        let upstream = self.upstream.clone();
        let tasks = Arc::clone(&self.tasks);
        let accept = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let pipe = tokio::spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(&upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                tasks.lock().expect("proxy tasks").push(pipe.abort_handle());
            }
        });
        self.tasks
            .lock()
            .expect("proxy tasks")
            .push(accept.abort_handle());
    }

    /// Closes every forwarded connection and stops listening: new connections are refused.
    pub async fn cut(&self) {
        for task in self.tasks.lock().expect("proxy tasks").drain(..) {
            task.abort();
        }
        // Let the aborted tasks drop their sockets and the listener.
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }

    /// Listens again on the same port.
    pub async fn restore(&self) {
        let listener = TcpListener::bind(self.addr)
            .await
            .expect("binding the proxy's port again");
        self.accept_on(listener);
    }
}
