//! Built-in pages: sign-in, sign-out, error and verify-request.
//!
//! Self-contained HTML: the stylesheet is inline, provider marks are bundled SVG, and nothing is
//! fetched from elsewhere. Every value is escaped. The pages follow the theme (`color_scheme`
//! light, dark or auto, `logo`, `brand_color`, `button_text`), keep text at WCAG AA contrast
//! (a brand colour too light for its text is darkened), and are built for keyboards and screen
//! readers: `lang`, a `main` landmark, one `h1`, labelled inputs in document order, and
//! `role="alert"` on error banners.

mod logos;
mod theme;

use crate::config::AuthConfig;
use crate::providers::{CredentialField, OAuthProvider, Provider};
use theme::{css_value, readable_pair, shell};

pub use crate::html::escape;

/// The sign-in page's inputs.
#[derive(Debug)]
pub struct SignInPage<'a> {
    /// `<origin><base path>/`.
    pub base_url: &'a str,
    /// CSRF token for the forms.
    pub csrf_token: &'a str,
    /// Where to go after signing in.
    pub callback_url: &'a str,
    /// `?error=` value.
    pub error: Option<&'a str>,
}

/// The banner text of a sign-in error.
pub fn sign_in_error_message(error: &str) -> &'static str {
    match error {
        "OAuthAccountNotLinked" => {
            "To confirm your identity, sign in with the same account you used originally."
        }
        "CredentialsSignin" => "Sign in failed. Check the details you provided are correct.",
        "EmailSignin" => "The e-mail could not be sent.",
        "AccountNotLinked" => {
            "This passkey belongs to another account. Sign out first, or use that account."
        }
        "SessionRequired" => "Please sign in to access this page.",
        "Signin" | "OAuthSignin" | "OAuthCallbackError" | "OAuthCreateAccount"
        | "EmailCreateAccount" | "Callback" => "Try signing in with a different account.",
        _ => "Unable to sign in.",
    }
}

fn alert(text: &str) -> String {
    format!(r#"<div class="alert" role="alert">{}</div>"#, escape(text))
}

fn hidden(name: &str, value: &str) -> String {
    format!(
        r#"<input type="hidden" name="{}" value="{}">"#,
        escape(name),
        escape(value)
    )
}

/// The mark inside a provider button: a bundled SVG, the configured image URL, or an initial.
fn provider_mark(p: &OAuthProvider) -> String {
    let logo = p.style.logo.as_deref();
    if let Some(svg) = logos::bundled(logo, &p.id) {
        return svg.to_owned();
    }
    match logo {
        Some(url)
            if url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with("data:image/") =>
        {
            format!(
                r#"<img src="{}" alt="" width="24" height="24">"#,
                escape(url)
            )
        }
        _ => logos::initial(&p.name),
    }
}

/// An OAuth/OIDC button: `brand_color ?? bg ?? #fff` behind the provider's text colour, kept
/// readable.
fn oauth_form(p: &OAuthProvider, page: &SignInPage<'_>) -> String {
    let bg = p
        .style
        .brand_color
        .as_deref()
        .or(p.style.bg.as_deref())
        .and_then(css_value)
        .unwrap_or("#fff");
    let text = p.style.text.as_deref().and_then(css_value);
    let (bg, text) = readable_pair(bg, text);
    format!(
        r#"<form class="provider" action="{base}signin/{id}" method="POST">{csrf}{callback}<button type="submit" class="button" style="--provider-bg:{bg};--provider-text:{text}">{mark}<span>Sign in with {name}</span></button></form>"#,
        base = escape(page.base_url),
        id = escape(&encode_path_segment(&p.id)),
        csrf = hidden("csrfToken", page.csrf_token),
        callback = hidden("callbackUrl", page.callback_url),
        bg = escape(&bg),
        text = escape(&text),
        mark = provider_mark(p),
        name = escape(&p.name),
    )
}

fn encode_path_segment(segment: &str) -> String {
    crate::cookies::encode_uri_component(segment)
}

/// The `autocomplete` hint for a credentials field, so password managers fill the right one.
fn autocomplete(field: &CredentialField) -> Option<&'static str> {
    match (field.input_type.as_str(), field.name.as_str()) {
        ("password", _) => Some("current-password"),
        ("email", _) | (_, "email") => Some("email"),
        (_, "username" | "user" | "login") => Some("username"),
        _ => None,
    }
}

fn credentials_form(p: &crate::providers::CredentialsProvider, page: &SignInPage<'_>) -> String {
    let mut form = format!(
        r#"<form action="{base}callback/{id}" method="POST">{csrf}"#,
        base = escape(page.base_url),
        id = escape(&encode_path_segment(&p.id)),
        csrf = hidden("csrfToken", page.csrf_token),
    );
    // A provider that names no fields gets the usual pair, so a first app's form is usable.
    let defaults;
    let fields = if p.fields.is_empty() {
        defaults = [
            CredentialField::new("username", "Username", "text"),
            CredentialField::new("password", "Password", "password"),
        ];
        &defaults[..]
    } else {
        &p.fields[..]
    };
    for field in fields {
        let input_id = format!("input-{}-for-{}-provider", field.name, p.id);
        form.push_str(&format!(
            r#"<label for="{iid}">{label}</label><input name="{name}" id="{iid}" type="{ty}"{ac}{ph}>"#,
            iid = escape(&input_id),
            label = escape(&field.label),
            name = escape(&field.name),
            ty = escape(&field.input_type),
            ac = autocomplete(field)
                .map(|a| format!(r#" autocomplete="{a}""#))
                .unwrap_or_default(),
            ph = field
                .placeholder
                .as_deref()
                .map(|p| format!(r#" placeholder="{}""#, escape(p)))
                .unwrap_or_default(),
        ));
    }
    form.push_str(&format!(
        r#"<button type="submit" class="button">Sign in with {}</button></form>"#,
        escape(&p.name)
    ));
    form
}

/// An email provider's form: the address, posted to `signin/<id>`, which sends the link.
fn email_form(p: &crate::providers::EmailProvider, page: &SignInPage<'_>) -> String {
    let input_id = format!("input-email-for-{}-provider", p.id);
    format!(
        r#"<form action="{base}signin/{id}" method="POST">{csrf}{callback}<label for="{iid}">Email</label><input name="email" id="{iid}" type="email" autocomplete="email" placeholder="email@example.com" required><button type="submit" class="button">Sign in with {name}</button></form>"#,
        base = escape(page.base_url),
        id = escape(&encode_path_segment(&p.id)),
        csrf = hidden("csrfToken", page.csrf_token),
        callback = hidden("callbackUrl", page.callback_url),
        iid = escape(&input_id),
        name = escape(&p.name),
    )
}

/// The browser side of passkeys, bundled (no CDN): see `passkey.js`.
const PASSKEY_SCRIPT: &str = include_str!("passkey.js");

/// A passkey provider's form: an optional address (autofilled from stored passkeys where the
/// browser can), and a button that runs the ceremony through `passkey.js`. Without script it
/// posts to `signin/<id>`, which comes back to this page.
fn passkey_form(p: &crate::providers::WebAuthnProvider, page: &SignInPage<'_>) -> String {
    let input_id = format!("input-email-for-{}-provider", p.id);
    let id = encode_path_segment(&p.id);
    format!(
        r#"<form action="{base}signin/{id}" method="POST" data-webauthn data-options="{base}webauthn-options/{id}" data-callback="{base}callback/{id}" data-callback-url="{callback}" data-conditional="{conditional}">{csrf}<label for="{iid}">Email</label><input name="email" id="{iid}" type="email" autocomplete="username webauthn" placeholder="email@example.com"><button type="submit" class="button">Sign in with {name}</button><p class="status" data-webauthn-status role="status" aria-live="polite"></p></form>"#,
        base = escape(page.base_url),
        id = escape(&id),
        callback = escape(page.callback_url),
        conditional = p.enable_conditional_ui,
        csrf = hidden("csrfToken", page.csrf_token),
        iid = escape(&input_id),
        name = escape(&p.name),
    )
}

/// `GET /signin`: an error banner, a button per OAuth/OIDC provider, then the email and
/// credentials forms.
pub fn sign_in_page(config: &AuthConfig, page: &SignInPage<'_>) -> String {
    let mut body = String::from("<h1>Sign in</h1>");
    if let Some(error) = page.error {
        body.push_str(&alert(sign_in_error_message(error)));
    }
    let oauth: String = config
        .providers
        .iter()
        .filter_map(|p| match p {
            Provider::OAuth(p) => Some(oauth_form(p, page)),
            _ => None,
        })
        .collect();
    let forms: Vec<String> = config
        .providers
        .iter()
        .filter_map(|p| match p {
            Provider::Email(p) => Some(email_form(p, page)),
            Provider::Credentials(p) => Some(credentials_form(p, page)),
            Provider::WebAuthn(p) => Some(passkey_form(p, page)),
            _ => None,
        })
        .collect();
    let passkeys = config
        .providers
        .iter()
        .any(|p| matches!(p, Provider::WebAuthn(_)));
    let divider = r#"<div class="divider">or</div>"#;
    body.push_str(&oauth);
    if !oauth.is_empty() && !forms.is_empty() {
        body.push_str(divider);
    }
    body.push_str(&forms.join(divider));
    if oauth.is_empty() && forms.is_empty() {
        body.push_str("<p>No sign-in method is configured.</p>");
    }
    if passkeys {
        body.push_str("<script>");
        body.push_str(PASSKEY_SCRIPT);
        body.push_str("</script>");
    }
    shell(config, "Sign In", &body)
}

/// `GET /signout`.
pub fn sign_out_page(config: &AuthConfig, action: &str, csrf_token: &str) -> String {
    let body = format!(
        r#"<h1>Sign out</h1><p>Are you sure you want to sign out?</p><form action="{}" method="POST">{}<button id="submitButton" type="submit" class="button">Sign out</button></form>"#,
        escape(action),
        hidden("csrfToken", csrf_token)
    );
    shell(config, "Sign Out", &body)
}

/// `GET /verify-request`.
pub fn verify_request_page(config: &AuthConfig, origin: &str) -> String {
    let host = url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    let body = format!(
        r#"<h1>Check your email</h1><p>A sign in link has been sent to your email address.</p><p><a class="site" href="{}">{}</a></p>"#,
        escape(origin),
        escape(&host)
    );
    shell(config, "Verify Request", &body)
}

/// The error page without a sign-in link target (configuration errors).
pub fn error_page(config: &AuthConfig, error: &str, origin: &str) -> String {
    error_page_with_signin(config, error, origin, &format!("{origin}/"))
}

/// `GET /error`: heading and text per error.
pub fn error_page_with_signin(
    config: &AuthConfig,
    error: &str,
    origin: &str,
    signin_url: &str,
) -> String {
    let (heading, text, signin) = match error {
        "Configuration" => (
            "Server error",
            "There is a problem with the server configuration. Check the server logs for more information.",
            false,
        ),
        "AccessDenied" => (
            "Access Denied",
            "You do not have permission to sign in.",
            true,
        ),
        "Verification" => (
            "Unable to sign in",
            "The sign in link is no longer valid. It may have been used already or it may have expired.",
            true,
        ),
        _ => ("Error", "Something went wrong while signing in.", false),
    };
    let action = if signin {
        format!(
            r#"<a class="button" href="{}">Sign in</a>"#,
            escape(signin_url)
        )
    } else {
        let host = url::Url::parse(origin)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "the site".to_owned());
        format!(
            r#"<a class="button" href="{}">Go to {}</a>"#,
            escape(origin),
            escape(&host)
        )
    };
    let body = format!(
        "<h1>{}</h1><p>{}</p>{action}",
        escape(heading),
        escape(text)
    );
    shell(config, "Error", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ColorScheme, Theme};
    use crate::providers::{CredentialsProvider, OAuthProvider, ProviderKind, ProviderStyle};

    fn page(error: Option<&str>) -> SignInPage<'_> {
        SignInPage {
            base_url: "http://localhost/auth/",
            csrf_token: "tok\"en",
            callback_url: "http://localhost/x?a=1&b=2",
            error,
        }
    }

    fn config() -> AuthConfig {
        let mut github = OAuthProvider::new("github", "GitHub", ProviderKind::OAuth);
        github.style = ProviderStyle {
            logo: Some("github.svg".into()),
            bg: Some("#24292f".into()),
            text: Some("#fff".into()),
            brand_color: None,
        };
        let mut custom = OAuthProvider::new("acme", "<Acme>", ProviderKind::Oidc);
        custom.style.logo = Some("https://acme.example/logo.png".into());
        AuthConfig::new()
            .provider(github)
            .provider(custom)
            .provider(
                CredentialsProvider::new()
                    .field(CredentialField::new("password", "Password", "password")),
            )
    }

    #[test]
    fn a_credentials_provider_without_fields_gets_username_and_password() {
        let mut config = config();
        config.providers = vec![crate::providers::CredentialsProvider::new().into()];
        let html = sign_in_page(&config, &page(None));
        assert!(html.contains(r#"<input name="username" id="input-username-for-credentials-provider" type="text" autocomplete="username">"#), "{html}");
        assert!(html.contains(r#"name="password" id="input-password-for-credentials-provider" type="password" autocomplete="current-password""#));
    }

    #[test]
    fn a_passkey_provider_gets_its_form_and_the_bundled_script() {
        let mut config = config();
        config.providers = vec![crate::providers::WebAuthnProvider::passkey().into()];
        let html = sign_in_page(&config, &page(None));
        assert!(html.contains(r#"data-options="http://localhost/auth/webauthn-options/passkey""#));
        assert!(html.contains(r#"data-callback="http://localhost/auth/callback/passkey""#));
        assert!(html.contains(r#"data-conditional="true""#));
        assert!(html.contains(r#"autocomplete="username webauthn""#));
        assert!(html.contains(r#"<label for="input-email-for-passkey-provider">Email</label>"#));
        assert!(html.contains("Sign in with Passkey"));
        assert!(html.contains(r#"role="status""#));
        // The script is inline and complete, and nothing is fetched from elsewhere.
        assert_eq!(html.matches("<script>").count(), 1);
        assert!(html.contains("navigator.credentials.get(request)"));
        assert!(!html.contains("unpkg") && !html.contains("<script src"));
        assert!(!PASSKEY_SCRIPT.contains("</script"));
    }

    #[test]
    fn sign_in_page_has_a_button_per_provider_and_labelled_fields() {
        let html = sign_in_page(&config(), &page(Some("CredentialsSignin")));
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"en\">"));
        assert!(html.contains(r#"<main class="page">"#));
        assert!(html.contains(
            r#"role="alert">Sign in failed. Check the details you provided are correct."#
        ));
        assert!(html.contains(r#"action="http://localhost/auth/signin/github""#));
        assert!(html.contains("--provider-bg:#24292f;--provider-text:#ffffff"));
        assert!(html.contains("Sign in with GitHub"));
        assert!(html.contains("Sign in with &lt;Acme&gt;"));
        assert!(html.contains(r#"<img src="https://acme.example/logo.png" alt="""#));
        assert!(
            html.contains(
                r#"<label for="input-password-for-credentials-provider">Password</label>"#
            )
        );
        assert!(html.contains(r#"autocomplete="current-password""#));
        assert!(html.contains(r#"value="tok&quot;en""#));
        assert!(html.contains(r#"value="http://localhost/x?a=1&amp;b=2""#));
        assert!(html.contains(r#"<div class="divider">or</div>"#));
        // No external asset: the only URLs are the forms' and the custom logo's.
        assert!(!html.contains("authjs.dev"));
        assert!(!html.contains("<link"));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn theme_sets_scheme_logo_and_readable_brand_colour() {
        let mut config = config();
        config.theme = Theme {
            color_scheme: ColorScheme::Dark,
            logo: Some("/logo.png".into()),
            brand_color: Some("#ffd700".into()),
            button_text: Some("#fff".into()),
        };
        let html = sign_out_page(&config, "http://localhost/auth/signout", "t");
        assert!(html.contains(r#"<body class="__next-auth-theme-dark">"#));
        assert!(html.contains(r#"<img class="logo" src="/logo.png" alt="Logo">"#));
        // Gold behind white text fails AA, so the brand colour is darkened.
        assert!(!html.contains("--brand-color:#ffd700"));
        assert!(html.contains("--button-text-color:#ffffff"));
        // Unsafe CSS never reaches the stylesheet.
        config.theme.brand_color = Some("red;}</style><script>".into());
        assert!(!sign_out_page(&config, "/", "t").contains("<script>"));
    }

    #[test]
    fn error_pages_follow_the_catalogue() {
        let c = AuthConfig::new();
        let html = error_page_with_signin(
            &c,
            "AccessDenied",
            "http://localhost",
            "http://localhost/auth/signin",
        );
        assert!(html.contains("<h1>Access Denied</h1>"));
        assert!(html.contains(r#"href="http://localhost/auth/signin""#));
        assert!(
            error_page(&c, "Configuration", "http://localhost").contains("<h1>Server error</h1>")
        );
        assert!(error_page(&c, "<x>", "http://localhost").contains("Go to localhost"));
        assert!(verify_request_page(&c, "http://localhost:3000").contains(">localhost</a>"));
    }
}
