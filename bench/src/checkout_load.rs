//! Checkout load: virtual shoppers (members, logged in once) place and pay orders with the test
//! gateway as fast as the shop lets them: add to cart → checkout page → place (card) → the test
//! window's approve → the success return. Prints one JSON line with the counts and timings.
//!
//! A shop on a gateway whose window opens from its payment page (Toss, in bench/gateway.sh) is
//! paid through that window's approve and the success return instead.
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
        ("payment_method", "card"),
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

/// A gateway's window opened from the shop's payment page (the fake Toss in bench/gateway.sh):
/// the window's approve, then the success return, where the shop confirms with the gateway.
async fn pay_in_gateway_window(s: &mut Shopper, pay_page: &str) -> Result<Reply, String> {
    let page = s.get(pay_page).await?;
    // The SDK's address (`…/v1/payment`) names the window's host.
    let end = page
        .body
        .find("/v1/payment\"")
        .ok_or("no gateway SDK on the page")?;
    let start = page.body[..end].rfind("src=\"").ok_or("no gateway SDK")? + 5;
    let window_base = page.body[start..end].to_owned();
    let form = [
        ("clientKey", attribute(&page.body, "data-client-key")),
        ("method", attribute(&page.body, "data-method")),
        ("params", attribute(&page.body, "data-params")),
    ];
    let approved = s
        .client
        .post(format!("{window_base}/window/approve"))
        .form(&form)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let back = approved
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .ok_or("the window did not return")?
        .to_owned();
    let back = back.strip_prefix(&s.base).unwrap_or(&back).to_owned();
    s.get(&back).await
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
    // Every shopper signs up first (argon2 once), outside the measured window; guests do not.
    let ready = ready_shoppers(base, &client, shoppers, guest).await;
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
) -> Vec<Shopper> {
    let mut ready = Vec::new();
    for i in 0..shoppers {
        let mut s = Shopper {
            base: base.trim_end_matches('/').to_owned(),
            client: client.clone(),
            cookie: None,
            guest,
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
