//! Outgoing email over SMTP with lettre: configured by `AMPFLUX_SMTP_URL` (and
//! `AMPFLUX_MAIL_FROM`, `AMPFLUX_PUBLIC_URL` for links), off when it is not set. Messages
//! are sent in the background: a request never waits for the mail relay, and a failure to
//! deliver is logged and counted (`ampflux_mail_total{outcome}`), never an error of the
//! request that caused it.

use std::sync::Arc;

use lettre::message::Body;
use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;

/// One message.
#[derive(Clone, Debug)]
pub struct Mail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
}

struct Relay {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

/// The mail sender (a no-op when email is not configured).
#[derive(Clone)]
pub struct Mailer {
    relay: Option<Arc<Relay>>,
    public_url: String,
}

impl Mailer {
    /// The sender `config` describes, or why it cannot be built.
    pub fn new(config: &MailConfig) -> Result<Mailer, String> {
        let relay = match &config.smtp_url {
            None => None,
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| format!("AMPFLUX_SMTP_URL: {e}"))?
                    .build();
                let from = config
                    .from
                    .parse::<Mailbox>()
                    .map_err(|e| format!("AMPFLUX_MAIL_FROM: {e}"))?;
                Some(Arc::new(Relay { transport, from }))
            }
        };
        Ok(Mailer {
            relay,
            public_url: config.public_url.clone(),
        })
    }

    /// Whether email is configured.
    pub fn enabled(&self) -> bool {
        self.relay.is_some()
    }

    /// The web client's address, for links.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Sends `mail` in the background (nothing when email is off).
    pub fn send(&self, mail: Mail) {
        let Some(relay) = self.relay.clone() else {
            return;
        };
        tokio::spawn(async move {
            let outcome = match deliver(&relay, &mail).await {
                Ok(()) => "sent",
                Err(e) => {
                    tracing::warn!(error = %e, subject = %mail.subject, "email not delivered");
                    "failed"
                }
            };
            metrics::counter!("ampflux_mail_total", "outcome" => outcome).increment(1);
        });
    }
}

/// The body of `text`: plain ASCII lines up to SMTP's limit of 998 characters (RFC 5322
/// §2.1.1) go as written, 7-bit, so links and tokens arrive unbroken in any reader (lettre
/// would choose quoted-printable past 76 characters, breaking them with soft line breaks);
/// anything else as lettre encodes it.
fn body(text: &str) -> Body {
    let text = text.replace("\r\n", "\n");
    let plain = text.is_ascii()
        && !text.contains('\0')
        && !text.contains('\r')
        && text.lines().all(|l| l.len() <= 998);
    if plain {
        Body::dangerous_pre_encoded(
            text.replace('\n', "\r\n").into_bytes(),
            ContentTransferEncoding::SevenBit,
        )
    } else {
        Body::new(text)
    }
}

async fn deliver(relay: &Relay, mail: &Mail) -> Result<(), String> {
    let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let message = Message::builder()
        .from(relay.from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(body(&mail.body))
        .map_err(|e| e.to_string())?;
    relay
        .transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
