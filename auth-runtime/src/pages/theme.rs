//! The page shell, its stylesheet, and colour arithmetic that keeps button text readable
//! (WCAG AA: a contrast ratio of at least 4.5:1).

use crate::config::{AuthConfig, ColorScheme};

use super::escape;

/// Keeps a CSS colour value only when it is made of safe characters.
pub(crate) fn css_value(value: &str) -> Option<&str> {
    (!value.is_empty()
        && value.len() <= 64
        && value.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '#' | '(' | ')' | ',' | '.' | '%' | ' ' | '-')
        }))
    .then_some(value)
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    pub(crate) const WHITE: Rgb = Rgb(255, 255, 255);
    pub(crate) const INK: Rgb = Rgb(0x11, 0x11, 0x11);

    /// `#rgb` or `#rrggbb`; anything else (names, functions) is not parsed.
    pub(crate) fn parse(value: &str) -> Option<Self> {
        let hex = value.trim().strip_prefix('#')?;
        let digit = |i: usize, len: usize| u8::from_str_radix(hex.get(i..i + len)?, 16).ok();
        match hex.len() {
            3 => Some(Rgb(digit(0, 1)? * 17, digit(1, 1)? * 17, digit(2, 1)? * 17)),
            6 => Some(Rgb(digit(0, 2)?, digit(2, 2)?, digit(4, 2)?)),
            _ => None,
        }
    }

    pub(crate) fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// The WCAG contrast ratio, 1 to 21.
    pub(crate) fn contrast(self, other: Rgb) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        let (hi, lo) = if a > b { (a, b) } else { (b, a) };
        (hi + 0.05) / (lo + 0.05)
    }

    /// Mixes `amount` (0 to 1) of black in.
    fn darken(self, amount: f64) -> Self {
        // The clamp keeps the value within u8, so the cast cannot truncate.
        let mix = |c: u8| (f64::from(c) * (1.0 - amount)).round().clamp(0.0, 255.0) as u8;
        Rgb(mix(self.0), mix(self.1), mix(self.2))
    }
}

/// The AA threshold for normal text.
pub(crate) const AA: f64 = 4.5;

/// Colours for a button of background `bg` and preferred text `text`: the text is kept and the
/// background darkened until they reach AA; without a preferred text, the more readable of white
/// and near-black is taken. Values that are not hex colours are used as given.
pub(crate) fn readable_pair(bg: &str, text: Option<&str>) -> (String, String) {
    let Some(bg_rgb) = Rgb::parse(bg) else {
        return (bg.to_owned(), text.unwrap_or("#fff").to_owned());
    };
    match text.map(|t| (t, Rgb::parse(t))) {
        Some((_, Some(fg))) => {
            let mut bg = bg_rgb;
            let mut step = 0.0;
            while bg.contrast(fg) < AA && step < 1.0 {
                step += 0.05;
                bg = bg_rgb.darken(step);
            }
            if bg.contrast(fg) >= AA {
                (bg.hex(), fg.hex())
            } else {
                (bg_rgb.hex(), best_text(bg_rgb).hex())
            }
        }
        Some((raw, None)) => (bg_rgb.hex(), raw.to_owned()),
        None => (bg_rgb.hex(), best_text(bg_rgb).hex()),
    }
}

fn best_text(bg: Rgb) -> Rgb {
    if bg.contrast(Rgb::WHITE) >= bg.contrast(Rgb::INK) {
        Rgb::WHITE
    } else {
        Rgb::INK
    }
}

/// Light and dark palettes: every text/background pair here passes AA.
const STYLE: &str = "\
.__next-auth-theme-light,.__next-auth-theme-auto{color-scheme:light;--bg:#f3f4f6;--fg:#111827;--muted:#4b5563;\
--card:#fff;--border:#c7cbd1;--field:#fff;--alert-bg:#b42318;--alert-fg:#fff;--focus:#1d4ed8}\
.__next-auth-theme-dark{color-scheme:dark;--bg:#0b0f14;--fg:#f3f4f6;--muted:#b6bcc6;--card:#161b22;\
--border:#3d4450;--field:#0d1117;--alert-bg:#f97066;--alert-fg:#1a0502;--focus:#93c5fd}\
@media (prefers-color-scheme:dark){.__next-auth-theme-auto{color-scheme:dark;--bg:#0b0f14;--fg:#f3f4f6;\
--muted:#b6bcc6;--card:#161b22;--border:#3d4450;--field:#0d1117;--alert-bg:#f97066;--alert-fg:#1a0502;--focus:#93c5fd}}\
*{box-sizing:border-box}\
body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;\
margin:0;background:var(--bg);color:var(--fg)}\
.page{display:flex;flex-direction:column;align-items:center;justify-content:center;min-height:100vh;padding:2rem 1rem}\
.card{width:100%;max-width:23rem;background:var(--card);border:1px solid var(--border);border-radius:.75rem;\
padding:2rem 1.75rem;box-shadow:0 1px 3px rgba(0,0,0,.08)}\
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1.25rem;text-align:center}\
p{margin:0 0 1rem;color:var(--muted);text-align:center}.card>:last-child{margin-bottom:0}\
.logo{display:block;max-width:9rem;max-height:4.5rem;margin:0 auto 1.5rem}\
form{margin:0}\
label{display:block;font-weight:600;margin:.9rem 0 .3rem}\
input{display:block;width:100%;padding:.65rem .75rem;border:1px solid var(--border);border-radius:.4rem;\
background:var(--field);color:var(--fg);font:inherit}\
.button{display:flex;align-items:center;justify-content:center;gap:.6rem;width:100%;min-height:2.9rem;\
margin-top:1.1rem;padding:.6rem 1rem;border:1px solid transparent;border-radius:.4rem;font:inherit;font-weight:600;\
cursor:pointer;text-align:center;text-decoration:none;background:var(--brand-color);color:var(--button-text-color)}\
.button:hover{filter:brightness(1.08)}\
.provider .button{background:var(--provider-bg);color:var(--provider-text);border-color:var(--border);margin-top:.75rem}\
.provider .button svg{flex:none;width:1.35rem;height:1.35rem}\
.provider .button img{flex:none;width:1.35rem;height:1.35rem}\
a{color:inherit}\
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}\
.alert{background:var(--alert-bg);color:var(--alert-fg);padding:.75rem 1rem;border-radius:.4rem;margin:0 0 1.25rem;\
font-weight:500;text-align:center}\
.divider{display:flex;align-items:center;gap:.75rem;margin:1.5rem 0 .5rem;color:var(--muted);font-size:.875rem}\
.divider::before,.divider::after{content:\"\";flex:1;border-top:1px solid var(--border)}\
.site{display:inline-block;margin-top:.5rem;color:var(--fg);font-weight:600}\
.status{margin:.5rem 0 0;min-height:1.25em;color:var(--muted);font-size:.875rem;text-align:center}";

/// The brand colour and the text on it, made readable: the theme's values, else the default.
fn brand_colors(config: &AuthConfig) -> (String, String) {
    let brand = config
        .theme
        .brand_color
        .as_deref()
        .and_then(css_value)
        .unwrap_or("#3451d1");
    let text = config.theme.button_text.as_deref().and_then(css_value);
    readable_pair(brand, text.or(Some("#fff")))
}

/// The document: `lang`, viewport, inline stylesheet, theme class, a `main` landmark.
pub(crate) fn shell(config: &AuthConfig, title: &str, body: &str) -> String {
    let scheme = match config.theme.color_scheme {
        ColorScheme::Auto => "auto",
        ColorScheme::Dark => "dark",
        ColorScheme::Light => "light",
    };
    let (brand, text) = brand_colors(config);
    let logo = config
        .theme
        .logo
        .as_deref()
        .filter(|l| !l.is_empty())
        .map(|l| format!(r#"<img class="logo" src="{}" alt="Logo">"#, escape(l)))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" content=\"light dark\">\
<title>{title}</title><style>{STYLE}:root{{--brand-color:{brand};--button-text-color:{text}}}</style></head>\
<body class=\"__next-auth-theme-{scheme}\"><main class=\"page\">{logo}<div class=\"card\">{body}</div></main></body></html>",
        title = escape(title),
        brand = escape(&brand),
        text = escape(&text),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_reference_values() {
        assert!((Rgb::WHITE.contrast(Rgb(0, 0, 0)) - 21.0).abs() < 1e-9);
        assert!((Rgb::WHITE.contrast(Rgb::WHITE) - 1.0).abs() < 1e-9);
        // #767676 on white is the classic 4.54:1 pass.
        assert!((Rgb::WHITE.contrast(Rgb(0x76, 0x76, 0x76)) - 4.54).abs() < 0.01);
    }

    #[test]
    fn brand_buttons_are_darkened_until_white_text_passes_aa() {
        // Twitter's #1da1f2 with white text is about 2.9:1.
        let (bg, fg) = readable_pair("#1da1f2", Some("#fff"));
        assert_eq!(fg, "#ffffff");
        let ratio = Rgb::parse(&bg).unwrap().contrast(Rgb::WHITE);
        assert!(ratio >= AA, "{bg} {ratio}");
        // Already readable: unchanged.
        assert_eq!(readable_pair("#24292f", Some("#fff")).0, "#24292f");
        // No preferred text: the readable one of white and ink.
        assert_eq!(readable_pair("#fff", None).1, Rgb::INK.hex());
        assert_eq!(readable_pair("#000", None).1, "#ffffff");
        // Not a hex colour: used as given.
        assert_eq!(
            readable_pair("rebeccapurple", None),
            ("rebeccapurple".into(), "#fff".into())
        );
    }

    #[test]
    fn palettes_pass_aa() {
        let pairs = [
            ("#111827", "#f3f4f6"),
            ("#111827", "#ffffff"),
            ("#4b5563", "#ffffff"),
            ("#4b5563", "#f3f4f6"),
            ("#ffffff", "#b42318"),
            ("#f3f4f6", "#0b0f14"),
            ("#f3f4f6", "#161b22"),
            ("#b6bcc6", "#161b22"),
            ("#1a0502", "#f97066"),
            ("#ffffff", "#3451d1"),
        ];
        for (fg, bg) in pairs {
            let ratio = Rgb::parse(fg).unwrap().contrast(Rgb::parse(bg).unwrap());
            assert!(ratio >= AA, "{fg} on {bg}: {ratio}");
        }
    }
}
