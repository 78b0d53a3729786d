//! Return/exchange claims in the shop: the form on a delivered order (windows shown before
//! filing) and the claims listed on the order page. The staff pages are in `admin::claims`.

use crate::auth::AuthSession;
use crate::context::{Req, render_to_string};
use crate::forms::{MultipartForm, page, read_multipart, refuse, see_other, t};
use crate::orders::buyer;
use crate::session::flash;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::{DateTime, Utc};
use jangteo_app::claims::{ClaimChoices, ClaimForm, MAX_CLAIM_PHOTOS};
use jangteo_core::claims::ClaimKind;
use jangteo_core::refund::ReturnQuote;
use minijinja::{Value, context};
use tower_sessions::Session;

/// The last minute a window is open: deadlines are exclusive, people read the last moment.
pub(crate) fn last_open_minute(deadline: DateTime<Utc>) -> DateTime<Utc> {
    deadline - chrono::Duration::minutes(1)
}

/// What a return would give back (`kind`: the reason chosen, if any; `exchange`: no refund).
pub(crate) fn quote_view(
    quote: Option<&ReturnQuote>,
    kind: Option<ClaimKind>,
    exchange: bool,
) -> Value {
    let q = quote.copied().unwrap_or_default();
    context! {
        exchange => exchange, chosen => quote.is_some(), kind_chosen => kind.is_some(),
        goods => q.goods.get(), points => q.points, shipping_refunded => q.shipping_refunded.get(),
        shipping_kept => q.shipping_kept.get(), return_fee => q.return_fee.get(), refund => q.refund().get(),
    }
}

/// The quote for what the claim form holds now, as an HTML fragment the form swaps in.
pub(crate) fn quote_fragment(
    state: &AppState,
    req: &Req,
    choices: &ClaimChoices,
    fields: &[(String, String)],
) -> Result<Response, WebError> {
    // Read like the form it comes from: the same fields, no photos.
    let typed = claim_form(&MultipartForm {
        fields: fields.to_vec(),
        ..MultipartForm::default()
    });
    let kind = typed.kind.parse().ok();
    let exchange = typed.resolution == "exchange";
    let quote = quote_view(choices.quote(kind, &typed.units).as_ref(), kind, exchange);
    let html = render_to_string(
        state,
        "shop/_refund_quote.html",
        context! { quote => quote, locale => req.locale.code() },
    )?;
    Ok(Html(html).into_response())
}

/// GET /orders/{number}/claims/quote
pub async fn quote(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
    Query(fields): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let choices = state.app.claim_choices(&number, &actor).await?;
    quote_fragment(&state, &req, &choices, &fields)
}

/// What the claim form shows: the lines with units left, each kind with its window, and the
/// quote for the units chosen at first.
pub(crate) fn claim_form_view(
    state: &AppState,
    req: &Req,
    choices: &ClaimChoices,
    quote_url: &str,
) -> Value {
    let days = choices.change_of_mind_days.to_string();
    let until = choices
        .change_of_mind_until
        .map(|d| jangteo_core::time::format_kst(last_open_minute(d)))
        .unwrap_or_default();
    let fee = jangteo_core::Won(choices.return_fee).grouped();
    // One line to claim: all its units are chosen already (the buyer lowers the count if not).
    let single = choices.lines.iter().filter(|c| c.available > 0).count() == 1;
    let first_picks: Vec<(i64, i64)> = choices
        .lines
        .iter()
        .filter(|c| single && c.available > 0)
        .map(|c| (c.line.id, c.available))
        .collect();
    context! {
        number => &choices.order.number,
        received_at => choices.received_at.map(|r| r.to_rfc3339()),
        lines => choices.lines.iter().map(|c| context! {
            id => c.line.id, name => &c.line.product_name, option_label => &c.line.option_label,
            quantity => c.line.quantity, available => c.available, units => (0..=c.available).collect::<Vec<_>>(),
            preselected => if single { c.available } else { 0 },
        }).collect::<Vec<_>>(),
        any_available => choices.lines.iter().any(|c| c.available > 0),
        kinds => ClaimKind::ALL.iter().map(|k| context! {
            code => k.as_str(), label => t(state, req, &format!("claim.kind.{}", k.as_str())),
            note => t(state, req, &format!("claim.kind_note.{}", k.as_str()))
                .replace("{days}", &days).replace("{until}", &until).replace("{fee}", &fee),
            needs_date => k.needs_discovery_date(),
        }).collect::<Vec<_>>(),
        max_photos => MAX_CLAIM_PHOTOS,
        quote => quote_view(choices.quote(None, &first_picks).as_ref(), None, false),
        quote_url => quote_url,
    }
}

/// The typed claim: text fields, `units_{line}` counts and `photos` files.
pub(crate) fn claim_form(form: &MultipartForm) -> ClaimForm {
    let text = |name: &str| form.field(name).unwrap_or("").to_owned();
    ClaimForm {
        kind: text("kind"),
        resolution: text("resolution"),
        reason: text("reason"),
        discovered_on: text("discovered_on"),
        units: form
            .fields
            .iter()
            .filter_map(|(k, v)| {
                let line = k.strip_prefix("units_")?.parse().ok()?;
                Some((line, v.trim().parse().unwrap_or(0)))
            })
            .collect(),
        photos: form
            .files_named("photos")
            .into_iter()
            .map(Into::into)
            .collect(),
        override_reason: text("override_reason"),
    }
}

/// The typed values to show again after a refusal.
pub(crate) fn typed_values(form: &ClaimForm) -> Value {
    context! {
        kind => &form.kind, resolution => &form.resolution, reason => &form.reason,
        discovered_on => &form.discovered_on, override_reason => &form.override_reason,
        units => form.units.iter().map(|(l, u)| (l.to_string(), *u)).collect::<std::collections::BTreeMap<_, _>>(),
    }
}

async fn claim_page(
    state: &AppState,
    req: &Req,
    number: &str,
    choices: &ClaimChoices,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    page(
        state,
        req,
        "orders/claim.html",
        "claim.title",
        context! {
            claim => claim_form_view(state, req, choices, &format!("/orders/{number}/claims/quote")),
            form => form, errors => errors,
            order_url => format!("/orders/{number}"), action_url => format!("/orders/{number}/claims"),
        },
    )
    .await
}

/// GET /orders/{number}/claims/new
pub async fn new_claim(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let choices = state.app.claim_choices(&number, &actor).await?;
    if choices.received_at.is_none() {
        flash(&session, "error", "error.conflict.claim_not_delivered").await;
        return Ok(see_other(&format!("/orders/{number}")));
    }
    claim_page(&state, &req, &number, &choices, context! {}, context! {}).await
}

/// POST /orders/{number}/claims (multipart: the form and its photos)
pub async fn create_claim(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Path(number): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let actor = buyer(&state, &auth, &session, &number).await?;
    let typed = match read_multipart(&mut multipart).await {
        Ok(form) => claim_form(&form),
        Err(response) => return Ok(response),
    };
    match state.app.file_claim(&number, &actor, &typed).await {
        Ok(_) => {
            flash(&session, "success", "flash.claim_filed").await;
            Ok(see_other(&format!("/orders/{number}#claims")))
        }
        Err(e) => {
            let choices = state.app.claim_choices(&number, &actor).await?;
            refuse(&state, &req, e, |errors| {
                claim_page(
                    &state,
                    &req,
                    &number,
                    &choices,
                    typed_values(&typed),
                    errors,
                )
            })
            .await
        }
    }
}
