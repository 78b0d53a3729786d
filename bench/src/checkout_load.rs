//! Checkout load: virtual shoppers (members, logged in once) place and pay orders with the test
//! gateway as fast as the shop lets them: add to cart → checkout page → place (card) → the test
//! window's approve → the success return. Prints one JSON line with the counts and timings.
//!
//! A shop on a real gateway's flow (bench/gateway.sh) is paid through that gateway's fake window
//! instead: Toss's and PortOne's open from the shop's payment page, KakaoPay's is where placing
//! the order redirects; then the return to the shop, where it confirms with the gateway.
//! `CHECKOUT_METHOD` names the payment method (`card` unless set; `kakao_pay` for KakaoPay).
//!
//! Usage: checkout-load BASE_URL SKU_ID SHOPPERS SECONDS [MAX_ORDERS_PER_SHOPPER]
//! With `CHECKOUT_GUEST=1` the shoppers order as guests (an order password each time: the
//! Argon2 cost every guest order pays) instead of signing up first.
//! Traffic goes only to BASE_URL (127.0.0.1 in bench/checkout.sh).
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Shopper {
    base: String,
    client: reqwest::Client,
    cookie: Option<String>,
    guest: bool,
    method: String,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Shopper {
    async fn send(&mut self, rb: reqwest::RequestBuilder) -> Result<Reply, String> {
        let rb = match &self.cookie {
            Some(c) => rb.header("cookie", c),
            None => rb,
        };
        let r = rb.send().await.map_err(|e| e.to_string())?;
        for v in r.headers().get_all("set-cookie") {
            if let Some(rest) = v.to_str().ok().and_then(|t| t.strip_prefix("jt_session=")) {
                self.cookie = Some(format!(
                    "jt_session={}",
                    rest.split(';').next().unwrap_or("")
                ));
            }
        }
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(|l| l.strip_prefix(&self.base).unwrap_or(l).to_owned())
            .unwrap_or_default();
        Ok(Reply {
            status,
            location,
            body: r.text().await.unwrap_or_default(),
        })
    }

    async fn get(&mut self, path: &str) -> Result<Reply, String> {
        let rb = self.client.get(format!("{}{path}", self.base));
        self.send(rb).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Result<Reply, String> {
        let rb = self
            .client
            .post(format!("{}{path}", self.base))
            .header("origin", self.base.clone())
            .header("sec-fetch-site", "same-origin")
            .form(form);
        self.send(rb).await
    }
}

fn input(body: &str, name: &str) -> String {
    let needle = format!("name=\"{name}\" value=\"");
    body.find(&needle)
        .map(|i| {
            let rest = &body[i + needle.len()..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .unwrap_or_default()
}

/// One order; `Ok(true)` paid, `Ok(false)` sold out.
async fn buy(s: &mut Shopper, sku: &str) -> Result<bool, String> {
    let added = s
        .post(
            "/cart/items",
            &[("sku_id", sku), ("quantity", "1"), ("action", "cart")],
        )
        .await?;
    if added.location != "/cart" {
        return Ok(false);
    }
    let page = s
        .get(if s.guest {
            "/checkout?guest=1"
        } else {
            "/checkout"
        })
        .await?;
    if page.status != 200 {
        return Ok(false);
    }
    let token = input(&page.body, "checkout_token");
    let total = input(&page.body, "expected_total");
    let method = s.method.clone();
    let mut form = vec![
        ("checkout_token", token.as_str()),
        ("expected_total", total.as_str()),
        ("agree", "true"),
        ("agree_guest_privacy", "true"),
        ("orderer_name", "부하테스트"),
        ("orderer_mobile", "010-1234-5678"),
        ("orderer_email", "load@example.com"),
        ("recipient_name", "부하테스트"),
        ("recipient_mobile", "010-1234-5678"),
        ("postcode", "06236"),
        ("address1", "서울 강남구 테헤란로 1"),
        ("address2", "1층"),
        ("payment_method", method.as_str()),
    ];
    if s.guest {
        form.push(("guest_password", "guest1234"));
        form.push(("guest_password_confirm", "guest1234"));
    }
    let placed = s.post("/checkout", &form).await?;
    if placed.location == "/cart" {
        // Sold out: empty the cart line so the next attempt starts clean.
        let _ = s.post(&format!("/cart/items/{sku}/delete"), &[]).await?;
        return Ok(false);
    }
    let done = if placed.location.starts_with("/checkout/pay/") {
        pay_in_gateway_window(s, &placed.location).await?
    } else if placed.location.starts_with("http") {
        // KakaoPay's window, outside the shop: its approve sends the browser back.
        let window = placed.location.split('?').next().unwrap_or_default();
        let back = window_approve(s, &format!("{window}/approve"), &[]).await?;
        s.get(&back).await?
    } else if placed.location.starts_with("/payments/test/") {
        let approved = s.post(&format!("{}/approve", placed.location), &[]).await?;
        s.get(&approved.location).await?
    } else {
        return Err(format!("place: {} {}", placed.status, placed.location));
    };
    if done.location.ends_with("/complete") {
        Ok(true)
    } else {
        Err(format!("pay: {}", done.location))
    }
}

/// An attribute's value in the payment page (`data-params="…"`), unescaped.
fn attribute(body: &str, name: &str) -> String {
    let needle = format!("{name}=\"");
    let raw = body
        .find(&needle)
        .map(|i| {
            let rest = &body[i + needle.len()..];
            &rest[..rest.find('"').unwrap_or(0)]
        })
        .unwrap_or_default();
    raw.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"")
        .replace("&amp;", "&")
}

/// A gateway's window opened from the shop's payment page (the fake Toss or PortOne in
/// bench/gateway.sh): the window's approve, then the return, where the shop confirms.
async fn pay_in_gateway_window(s: &mut Shopper, pay_page: &str) -> Result<Reply, String> {
    let page = s.get(pay_page).await?;
    // The SDK is served by the gateway (the fake): its origin is the window's host.
    // The shop's own scripts are relative; the gateway's is the absolute one.
    let sdk_url = page
        .body
        .split("<script src=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .find_map(|src| reqwest::Url::parse(src).ok())
        .ok_or("no gateway SDK on the page")?;
    let window_base = sdk_url.origin().ascii_serialization();
    let params = attribute(&page.body, "data-params");
    let back = match attribute(&page.body, "data-sdk").as_str() {
        "portone" => {
            let id = serde_json::from_str::<serde_json::Value>(&params)
                .map_err(|e| format!("PortOne parameters: {e}"))?["paymentId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let mut window = reqwest::Url::parse(&format!("{window_base}/window")).unwrap();
            window.query_pairs_mut().append_pair("params", &params);
            let shown = s
                .client
                .get(window)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !shown.status().is_success() {
                return Err(format!("PortOne window: {}", shown.status()));
            }
            window_approve(s, &format!("{window_base}/window/{id}/approve"), &[]).await?
        }
        _ => {
            let form = [
                ("clientKey", attribute(&page.body, "data-client-key")),
                ("method", attribute(&page.body, "data-method")),
                ("params", params),
            ];
            window_approve(s, &format!("{window_base}/window/approve"), &form).await?
        }
    };
    s.get(&back).await
}

/// Presses 결제하기 in a gateway's window at `url`; the shop's path it sends the browser back to.
async fn window_approve(s: &Shopper, url: &str, form: &[(&str, String)]) -> Result<String, String> {
    let approved = s
        .client
        .post(url)
        .form(form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let back = approved
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| format!("the window did not return: {}", approved.status()))?;
    Ok(back.strip_prefix(&s.base).unwrap_or(back).to_owned())
}

/// What the shoppers achieved: orders paid, sold out and failed, and paid orders' latencies (ms).
#[derive(Default)]
struct Tally {
    paid: AtomicU64,
    sold_out: AtomicU64,
    errors: AtomicU64,
    latencies: Mutex<Vec<f64>>,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, sku, shoppers, seconds, rest @ ..] = args.as_slice() else {
        eprintln!("usage: checkout-load BASE_URL SKU_ID SHOPPERS SECONDS [MAX_ORDERS_PER_SHOPPER]");
        std::process::exit(2);
    };
    let shoppers: usize = shoppers.parse().expect("shoppers");
    let seconds: u64 = seconds.parse().expect("seconds");
    let max_each: u64 = rest
        .first()
        .map_or(u64::MAX, |m| m.parse().expect("max orders"));
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let tally = Arc::new(Tally::default());
    let guest = std::env::var("CHECKOUT_GUEST").is_ok_and(|v| v == "1");
    let method = std::env::var("CHECKOUT_METHOD").unwrap_or_else(|_| "card".to_owned());
    // Every shopper signs up first (argon2 once), outside the measured window; guests do not.
    let ready = ready_shoppers(base, &client, shoppers, guest, &method).await;
    let start = Instant::now();
    let deadline = start + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for s in ready {
        let (sku, tally) = (sku.clone(), tally.clone());
        tasks.push(tokio::spawn(shop_until(s, sku, deadline, max_each, tally)));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let elapsed = start.elapsed().as_secs_f64();
    print_summary(&tally, elapsed);
}

/// The shoppers, each signed up unless they order as guests.
async fn ready_shoppers(
    base: &str,
    client: &reqwest::Client,
    shoppers: usize,
    guest: bool,
    method: &str,
) -> Vec<Shopper> {
    let mut ready = Vec::new();
    for i in 0..shoppers {
        let mut s = Shopper {
            base: base.trim_end_matches('/').to_owned(),
            client: client.clone(),
            cookie: None,
            guest,
            method: method.to_owned(),
        };
        if guest {
            ready.push(s);
            continue;
        }
        let email = format!("load{}-{i}@example.com", std::process::id());
        let r = s
            .post(
                "/account/signup",
                &[
                    ("email", &email),
                    ("password", "loadtest123"),
                    ("password_confirm", "loadtest123"),
                    ("name", "부하"),
                    ("mobile", "010-1234-5678"),
                    ("confirm_age", "true"),
                    ("agree_terms", "true"),
                    ("agree_privacy", "true"),
                ],
            )
            .await
            .expect("signup");
        assert_eq!(
            r.status,
            303,
            "signup refused: {}",
            &r.body[..r.body.len().min(300)]
        );
        ready.push(s);
    }
    ready
}

/// Buys until the deadline (or `max_each` orders), counting every outcome.
async fn shop_until(
    mut s: Shopper,
    sku: String,
    deadline: Instant,
    max_each: u64,
    tally: Arc<Tally>,
) {
    let mut mine = 0;
    while Instant::now() < deadline && mine < max_each {
        let t0 = Instant::now();
        match buy(&mut s, &sku).await {
            Ok(true) => {
                mine += 1;
                tally.paid.fetch_add(1, Ordering::Relaxed);
                tally
                    .latencies
                    .lock()
                    .unwrap()
                    .push(t0.elapsed().as_secs_f64() * 1000.0);
            }
            Ok(false) => {
                tally.sold_out.fetch_add(1, Ordering::Relaxed);
                if max_each != u64::MAX {
                    break;
                }
            }
            Err(e) => {
                tally.errors.fetch_add(1, Ordering::Relaxed);
                eprintln!("{e}");
            }
        }
    }
}

/// Prints the counts, the rate and the paid orders' p50 and p99 latencies as one JSON line.
fn print_summary(tally: &Tally, elapsed: f64) {
    let (paid, sold_out, errors) = (&tally.paid, &tally.sold_out, &tally.errors);
    let mut l = tally.latencies.lock().unwrap().clone();
    l.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if l.is_empty() {
            0.0
        } else {
            l[((l.len() as f64 - 1.0) * p).round() as usize]
        }
    };
    println!(
        "{{\"paid\":{},\"sold_out\":{},\"errors\":{},\"seconds\":{elapsed:.3},\"orders_per_s\":{:.1},\"p50_ms\":{:.1},\"p99_ms\":{:.1}}}",
        paid.load(Ordering::Relaxed),
        sold_out.load(Ordering::Relaxed),
        errors.load(Ordering::Relaxed),
        paid.load(Ordering::Relaxed) as f64 / elapsed,
        pct(0.5),
        pct(0.99)
    );
}
