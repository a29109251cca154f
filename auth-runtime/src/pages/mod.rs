//! Built-in pages: sign-in, sign-out, error and verify-request (spec §14). Plain, self-contained
//! HTML with inline CSS; every value is escaped.

use crate::config::{AuthConfig, ColorScheme};
use crate::providers::Provider;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Keeps a CSS colour value only when it is made of safe characters.
fn css_value(value: &str) -> Option<&str> {
    (!value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | '%' | ' ' | '-')))
    .then_some(value)
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;display:flex;\
justify-content:center;min-height:100vh;align-items:center;background:var(--bg);color:var(--fg)}\
.__auth-light{--bg:#f5f5f5;--fg:#1a1a1a;--card:#fff;--border:#d0d0d0}\
.__auth-dark{--bg:#161b22;--fg:#f0f0f0;--card:#0d1117;--border:#444c56}\
@media (prefers-color-scheme:dark){.__auth-auto{--bg:#161b22;--fg:#f0f0f0;--card:#0d1117;--border:#444c56}}\
@media (prefers-color-scheme:light){.__auth-auto{--bg:#f5f5f5;--fg:#1a1a1a;--card:#fff;--border:#d0d0d0}}\
.page{width:100%;max-width:22rem;padding:1rem}.card{background:var(--card);border:1px solid var(--border);\
border-radius:.5rem;padding:1.5rem}h1{font-size:1.4rem;margin:0 0 1rem}label{display:block;margin:.5rem 0 .25rem}\
input{box-sizing:border-box;width:100%;padding:.6rem;border:1px solid var(--border);border-radius:.3rem;\
background:var(--card);color:var(--fg);font-size:1rem}button,.button{display:block;box-sizing:border-box;width:100%;\
margin-top:1rem;padding:.7rem;border:0;border-radius:.3rem;background:var(--brand-color,#346df1);\
color:var(--button-text-color,#fff);font-size:1rem;cursor:pointer;text-align:center;text-decoration:none}\
button:focus-visible,a:focus-visible,input:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}\
.error{background:#c0392b;color:#fff;padding:.75rem;border-radius:.3rem;margin-bottom:1rem}hr{border:0;\
border-top:1px solid var(--border);margin:1.5rem 0}.logo{display:block;max-width:150px;margin:0 auto 1rem}";

fn shell(config: &AuthConfig, title: &str, body: &str) -> String {
    let scheme = match config.theme.color_scheme {
        ColorScheme::Auto => "auto",
        ColorScheme::Dark => "dark",
        ColorScheme::Light => "light",
    };
    let mut root = String::new();
    if let Some(c) = config.theme.brand_color.as_deref().and_then(css_value) {
        root.push_str(&format!("--brand-color:{c};"));
    }
    if let Some(c) = config.theme.button_text.as_deref().and_then(css_value) {
        root.push_str(&format!("--button-text-color:{c};"));
    }
    let logo = config
        .theme
        .logo
        .as_deref()
        .map(|l| format!(r#"<img class="logo" src="{}" alt="Logo">"#, escape(l)))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>\
<style>{STYLE}:root{{{root}}}</style></head><body class=\"__auth-{scheme}\"><main class=\"page\">{logo}\
<div class=\"card\">{body}</div></main></body></html>",
        title = escape(title)
    )
}

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

/// The banner text of a sign-in error (spec §10).
pub fn sign_in_error_message(error: &str) -> &'static str {
    match error {
        "OAuthAccountNotLinked" => "To confirm your identity, sign in with the same account you used originally.",
        "CredentialsSignin" => "Sign in failed. Check the details you provided are correct.",
        "EmailSignin" => "The e-mail could not be sent.",
        "SessionRequired" => "Please sign in to access this page.",
        "Signin" | "OAuthSignin" | "OAuthCallbackError" | "OAuthCreateAccount" | "EmailCreateAccount" | "Callback" => {
            "Try signing in with a different account."
        }
        _ => "Unable to sign in.",
    }
}

/// `GET /signin`.
pub fn sign_in_page(config: &AuthConfig, page: &SignInPage<'_>) -> String {
    let mut body = String::from("<h1>Sign in</h1>");
    if let Some(error) = page.error {
        body.push_str(&format!(
            r#"<div class="error" role="alert">{}</div>"#,
            escape(sign_in_error_message(error))
        ));
    }
    let csrf = escape(page.csrf_token);
    let callback = escape(page.callback_url);
    let mut blocks = Vec::new();
    for provider in &config.providers {
        match provider {
            Provider::OAuth(p) => blocks.push(format!(
                r#"<form action="{base}signin/{id}" method="POST"><input type="hidden" name="csrfToken" value="{csrf}"><input type="hidden" name="callbackUrl" value="{callback}"><button type="submit">Sign in with {name}</button></form>"#,
                base = escape(page.base_url),
                id = escape(&p.id),
                name = escape(&p.name),
            )),
            Provider::Credentials(p) => {
                let mut form = format!(
                    r#"<form action="{base}callback/{id}" method="POST"><input type="hidden" name="csrfToken" value="{csrf}">"#,
                    base = escape(page.base_url),
                    id = escape(&p.id),
                );
                for field in &p.fields {
                    let input_id = format!("input-{}-for-{}-provider", field.name, p.id);
                    form.push_str(&format!(
                        r#"<label for="{iid}">{label}</label><input name="{name}" id="{iid}" type="{ty}"{ph}>"#,
                        iid = escape(&input_id),
                        label = escape(&field.label),
                        name = escape(&field.name),
                        ty = escape(&field.input_type),
                        ph = field
                            .placeholder
                            .as_deref()
                            .map(|p| format!(r#" placeholder="{}""#, escape(p)))
                            .unwrap_or_default(),
                    ));
                }
                form.push_str(&format!(
                    r#"<button type="submit">Sign in with {}</button></form>"#,
                    escape(&p.name)
                ));
                blocks.push(form);
            }
        }
    }
    body.push_str(&blocks.join("<hr>"));
    shell(config, "Sign In", &body)
}

/// `GET /signout`.
pub fn sign_out_page(config: &AuthConfig, action: &str, csrf_token: &str) -> String {
    let body = format!(
        r#"<h1>Signout</h1><p>Are you sure you want to sign out?</p><form action="{}" method="POST"><input type="hidden" name="csrfToken" value="{}"><button id="submitButton" type="submit">Sign out</button></form>"#,
        escape(action),
        escape(csrf_token)
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

/// `GET /error`: heading and text per error (spec §10).
pub fn error_page_with_signin(config: &AuthConfig, error: &str, origin: &str, signin_url: &str) -> String {
    let (heading, text, signin) = match error {
        "Configuration" => (
            "Server error",
            "There is a problem with the server configuration. Check the server logs for more information.",
            false,
        ),
        "AccessDenied" => ("Access Denied", "You do not have permission to sign in.", true),
        "Verification" => (
            "Unable to sign in",
            "The sign in link is no longer valid. It may have been used already or it may have expired.",
            true,
        ),
        _ => ("Error", "", false),
    };
    let action = if signin {
        format!(r#"<a class="button" href="{}">Sign in</a>"#, escape(signin_url))
    } else {
        format!(r#"<a class="button" href="{}">Go to site</a>"#, escape(origin))
    };
    let body = format!(
        "<h1>{}</h1><p>{}</p>{action}",
        escape(heading),
        escape(text)
    );
    shell(config, "Error", &body)
}
