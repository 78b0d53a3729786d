//! 개인정보처리방침 generated from the running shop (PIPA 제30조): the fields its forms collect,
//! the processors it is configured with, the retention periods the law sets, the privacy officer;
//! the owner's own text (the content page `privacy`) follows. Every change is kept as a dated
//! version, listed under the policy.

use crate::config::ProviderChoice;
use crate::{App, AppResult};
use chrono::{DateTime, Utc};
use jangteo_db::privacy;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// One numbered section of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicySection {
    /// Heading.
    pub title: String,
    /// Paragraphs before the list.
    pub paragraphs: Vec<String>,
    /// (what, detail) rows.
    pub rows: Vec<(String, String)>,
}

/// The whole policy as shown (and stored per version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacyPolicy {
    /// The shop's name.
    pub shop_name: String,
    /// Sections in order.
    pub sections: Vec<PolicySection>,
    /// The owner's own text (cleaned HTML of the content page `privacy`).
    pub owner_html: String,
}

/// A stored version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    /// Id.
    pub id: i64,
    /// In force from.
    pub effective_at: DateTime<Utc>,
    /// The policy.
    pub policy: PrivacyPolicy,
}

fn section(title: &str, paragraphs: &[&str], rows: Vec<(String, String)>) -> PolicySection {
    PolicySection {
        title: title.to_owned(),
        paragraphs: paragraphs.iter().map(|p| (*p).to_owned()).collect(),
        rows,
    }
}

fn row(what: &str, detail: impl Into<String>) -> (String, String) {
    (what.to_owned(), detail.into())
}

/// What is collected and why (sections 1–2).
fn collection_sections() -> Vec<PolicySection> {
    vec![
        section(
            "1. 개인정보의 처리 목적",
            &[
                "회원 가입과 관리, 상품 주문·결제·배송, 교환·반품·환불, 고객 문의 응대, (동의한 경우에 한해) 이벤트·혜택 안내를 위해 개인정보를 처리합니다.",
            ],
            Vec::new(),
        ),
        section(
            "2. 처리하는 개인정보 항목",
            &[],
            vec![
                row(
                    "회원가입 (필수)",
                    "이메일, 비밀번호(암호화 저장), 이름, 휴대폰 번호, 만 14세 이상 확인",
                ),
                row(
                    "회원가입·회원정보 (선택)",
                    "마케팅 정보 수신 동의 여부, 생년월일(생일 쿠폰 발급)",
                ),
                row(
                    "주문 (필수)",
                    "주문자 이름·휴대폰 번호·이메일, 받는 분 이름·휴대폰 번호·주소, 결제 수단과 결제 기록",
                ),
                row(
                    "주문 (선택·해당 시)",
                    "배송 메모, 무통장입금 입금자명, 비회원 주문 비밀번호(암호화 저장)",
                ),
                row("교환·반품·문의", "신청 사유, 사진(선택), 문의 내용"),
                row(
                    "자동 수집",
                    "접속 IP 주소, 접속 일시, 쿠키(로그인 유지), 브라우저 종류(주문 경로 구분)",
                ),
            ],
        ),
    ]
}

/// How long it is kept (section 3).
fn retention_section(dormancy: String) -> PolicySection {
    section(
        "3. 개인정보의 처리 및 보유 기간",
        &[
            "회원 정보는 탈퇴할 때까지 보유하며, 탈퇴하면 지체 없이 파기합니다. 다만 법령이 정한 기록은 아래 기간 동안 보관합니다.",
        ],
        vec![
            row("계약 또는 청약철회 등에 관한 기록", "5년 (전자상거래법)"),
            row(
                "대금결제 및 재화 등의 공급에 관한 기록",
                "5년 (전자상거래법)",
            ),
            row(
                "소비자의 불만 또는 분쟁처리에 관한 기록",
                "3년 (전자상거래법)",
            ),
            row("표시·광고에 관한 기록", "6개월 (전자상거래법)"),
            row("웹사이트 접속 기록", "3개월 (통신비밀보호법)"),
            row("장기 미이용 회원", dormancy),
        ],
    )
}

/// Destruction, rights, safety measures and cookies (sections 6–9).
fn handling_sections() -> Vec<PolicySection> {
    vec![
        section(
            "6. 개인정보의 파기 절차 및 방법",
            &[
                "보유 기간이 지나거나 처리 목적을 이룬 개인정보는 지체 없이 파기합니다. 전자 파일은 복구할 수 없는 방법으로 지우고, 법령에 따라 보관하는 기록은 다른 정보와 분리해 보관합니다.",
            ],
            Vec::new(),
        ),
        section(
            "7. 정보주체의 권리와 행사 방법",
            &[
                "정보주체는 언제든지 개인정보의 열람·정정·삭제·처리정지를 요구할 수 있습니다. 마이페이지에서 직접 고치거나 탈퇴할 수 있고, 아래 보호책임자에게 요청할 수도 있습니다. 만 14세 미만 아동의 회원가입은 받지 않습니다.",
            ],
            Vec::new(),
        ),
        section(
            "8. 개인정보의 안전성 확보 조치",
            &[
                "비밀번호와 주문 비밀번호는 일방향 암호화(Argon2)로 저장하고, 관리자 화면은 2단계 인증과 접근 권한으로 보호하며, 개인정보 조회·변경 기록을 남깁니다.",
            ],
            Vec::new(),
        ),
        section(
            "9. 쿠키의 설치·운영 및 거부",
            &[
                "로그인과 장바구니를 유지하기 위해 쿠키를 사용합니다. 브라우저 설정에서 쿠키를 거부할 수 있으나, 그러면 로그인과 주문을 이용할 수 없습니다.",
            ],
            Vec::new(),
        ),
    ]
}

impl App {
    /// What each social login offered brings in (section 2).
    fn social_login_rows(&self) -> Vec<(String, String)> {
        use jangteo_core::social::SocialProvider;
        let sync = self.config.members.social.kakao.sync;
        self.social_providers()
            .into_iter()
            .map(|p| match p {
                SocialProvider::Kakao => row(
                    "카카오 로그인 (회원가입·로그인)",
                    if sync {
                        "카카오 회원번호, 이메일, 이름, 휴대폰 번호, 연령대, 카카오싱크 약관 동의 내역, 배송지"
                    } else {
                        "카카오 회원번호, 이메일, 이름, 휴대폰 번호, 연령대"
                    },
                ),
                SocialProvider::Naver => row(
                    "네이버 로그인 (회원가입·로그인)",
                    "네이버 회원 식별값, 이메일, 이름, 휴대폰 번호, 연령대",
                ),
            })
            .collect()
    }

    /// Who processes personal data for the shop, as configured (위탁).
    fn processors(&self) -> Vec<(String, String)> {
        let c = &self.config;
        let n = &c.notifications;
        let mut out = Vec::new();
        if self.test_payments() {
            out.push(row(
                "결제 처리",
                "테스트 결제 (실제 결제가 이루어지지 않아 결제대행사에 맡기는 정보가 없습니다)",
            ));
        } else {
            out.push(row(
                "결제 처리",
                format!("결제대행사 ({})", self.live_gateway().provider.company()),
            ));
        }
        out.push(row(
            "상품 배송",
            "주문별로 배송을 맡긴 택배사 (받는 분 이름·휴대폰 번호·주소)",
        ));
        match n.email {
            ProviderChoice::Smtp => {
                let host = n.smtp.as_ref().map_or("", |s| s.host.as_str());
                out.push(row("이메일 발송", format!("메일 서버 {host}")));
            }
            ProviderChoice::Mailgun => out.push(row(
                "이메일 발송",
                "Mailgun (이메일 발송 서비스, 미국으로 이전: 이메일 주소와 메일 내용)",
            )),
            _ => {}
        }
        match n.sms {
            ProviderChoice::Aligo => out.push(row("문자 발송", "알리고 (휴대폰 번호와 문자 내용)")),
            ProviderChoice::Solapi => {
                out.push(row("문자 발송", "솔라피 (휴대폰 번호와 문자 내용)"))
            }
            _ => {}
        }
        if n.alimtalk == ProviderChoice::Solapi {
            out.push(row(
                "카카오 알림톡 발송",
                "솔라피, (주)카카오 (휴대폰 번호와 알림 내용)",
            ));
        }
        let hosting = c.shop.business.hosting_provider.trim();
        out.push(row(
            "서버 운영(호스팅)",
            if hosting.is_empty() {
                "상점이 직접 운영".to_owned()
            } else {
                hosting.to_owned()
            },
        ));
        out
    }

    /// The policy as the running shop makes it now.
    pub async fn current_privacy_policy(&self) -> AppResult<PrivacyPolicy> {
        let c = &self.config;
        let b = &c.shop.business;
        let owner_html = self
            .page("privacy")
            .await?
            .map(|p| p.body_html.clone())
            .unwrap_or_default();
        let dormancy = if c.members.dormancy_days > 0 {
            format!(
                "{}일 동안 로그인하지 않은 회원의 개인정보는 다른 회원 정보와 분리해 보관하며, 30일 전에 알립니다. 다시 로그인하면 되살아납니다.",
                c.members.dormancy_days
            )
        } else {
            "휴면 전환을 하지 않습니다.".to_owned()
        };
        let officer = format!(
            "{} (연락처: {}{})",
            if b.privacy_officer.trim().is_empty() {
                "미지정"
            } else {
                b.privacy_officer.trim()
            },
            b.email.trim(),
            if b.phone.trim().is_empty() {
                String::new()
            } else {
                format!(", {}", b.phone.trim())
            }
        );
        let mut sections = collection_sections();
        if let Some(collected) = sections.get_mut(1) {
            collected.rows.extend(self.social_login_rows());
        }
        sections.push(retention_section(dormancy));
        sections.push(section(
                "4. 개인정보의 제3자 제공",
                &[
                    "법령에 근거가 있거나 정보주체가 따로 동의한 경우를 빼고는 개인정보를 제3자에게 제공하지 않습니다.",
                ],
                Vec::new(),
            ));
        sections.push(section(
                "5. 개인정보 처리의 위탁",
                &[
                    "원활한 서비스를 위해 아래와 같이 개인정보 처리를 맡기고 있으며, 맡긴 업무 외의 목적으로 처리하지 않도록 관리합니다.",
                ],
                self.processors(),
            ));
        sections.extend(handling_sections());
        sections.push(section(
            "10. 개인정보 보호책임자",
            &[],
            vec![row("개인정보 보호책임자", officer)],
        ));
        Ok(PrivacyPolicy {
            shop_name: c.shop.name.clone(),
            sections,
            owner_html,
        })
    }

    /// The policy in force, recorded as a new dated version when it differs from the last one,
    /// and every version (newest first) as (id, in force from).
    pub async fn privacy_policy(
        &self,
        now: DateTime<Utc>,
    ) -> AppResult<(PolicyVersion, Vec<(i64, DateTime<Utc>)>)> {
        let policy = self.current_privacy_policy().await?;
        let json = serde_json::to_string(&policy)
            .map_err(|e| crate::AppError::Other(format!("privacy policy: {e}")))?;
        let hash = hex::encode(Sha256::digest(json.as_bytes()));
        let latest = privacy::latest(&self.db).await?;
        let (id, effective_at) = match latest {
            Some(v) if v.content_hash == hash => (v.id, v.effective_at),
            _ => {
                let mut tx = self.db.begin().await?;
                let id = privacy::insert(&mut tx, &json, &hash, now).await?;
                tx.commit().await?;
                tracing::info!(
                    privacy.version = id,
                    "privacy policy changed: new version recorded"
                );
                (id, now)
            }
        };
        let versions = privacy::list(&self.db).await?;
        Ok((
            PolicyVersion {
                id,
                effective_at,
                policy,
            },
            versions,
        ))
    }

    /// A past version of the policy.
    pub async fn privacy_policy_version(&self, id: i64) -> AppResult<Option<PolicyVersion>> {
        let Some(row) = privacy::find(&self.db, id).await? else {
            return Ok(None);
        };
        let policy: PrivacyPolicy = serde_json::from_str(&row.content_json)
            .map_err(|e| crate::AppError::Other(format!("stored privacy policy {id}: {e}")))?;
        Ok(Some(PolicyVersion {
            id: row.id,
            effective_at: row.effective_at,
            policy,
        }))
    }
}
