//! Headless Chromium driven over WebDriver (Debian's chromium + chromium-driver).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A browser session; chromedriver is stopped on drop.
pub struct Browser {
    /// The WebDriver session.
    pub driver: WebDriver,
    chromedriver: Child,
    _profile: tempfile::TempDir,
}

/// Whether Chromium and ChromeDriver are installed.
pub fn available() -> bool {
    std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("finding a free port")
}

impl Browser {
    /// A phone (390×844, mobile) that waits up to 10 s for elements to appear; `None` as
    /// [`Browser::start`].
    pub async fn phone() -> Option<Browser> {
        let browser = Browser::start(390, 844, true).await?;
        browser
            .driver
            .set_implicit_wait_timeout(Duration::from_secs(10))
            .await
            .expect("implicit wait");
        Some(browser)
    }

    /// Starts a headless browser with a `width`×`height` window; `None` when Chromium is not
    /// installed outside CI.
    pub async fn start(width: u32, height: u32, mobile: bool) -> Option<Browser> {
        if !available() {
            crate::skip_or_fail(
                "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver fonts-noto-cjk)",
            );
            return None;
        }
        let port = free_port();
        let chromedriver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let profile = tempfile::tempdir().expect("browser profile directory");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).expect("binary");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--hide-scrollbars",
            &format!("--window-size={width},{height}"),
            &format!("--user-data-dir={}", profile.path().display()),
        ] {
            caps.add_arg(arg).expect("browser argument");
        }
        if mobile {
            caps.add_arg("--user-agent=Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36")
                .expect("browser argument");
        }
        let driver = WebDriver::new(url, caps)
            .await
            .expect("starting a browser session");
        Some(Browser {
            driver,
            chromedriver,
            _profile: profile,
        })
    }

    /// Saves a screenshot to `target/screenshots/{name}.png` (kept for people to look at).
    pub async fn screenshot(&self, name: &str) -> std::path::PathBuf {
        let dir = std::env::var_os("TEST_SCREENSHOT_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| std::env::temp_dir().join("jangteo-screenshots"));
        std::fs::create_dir_all(&dir).expect("screenshot directory");
        let path = dir.join(format!("{name}.png"));
        self.driver
            .screenshot(&path)
            .await
            .expect("taking a screenshot");
        path
    }

    /// Ends the session.
    pub async fn quit(mut self) {
        let driver = self.driver.clone();
        let _ = driver.quit().await;
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.chromedriver.kill();
    }
}
